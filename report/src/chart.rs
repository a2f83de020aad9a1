//! The score trend as a small SVG line chart, shared by the HTML report (inline) and the PDF
//! (an image Typst draws): no script, no external resource, same drawing in both.

use crate::model::TrendPoint;
use std::fmt::Write;

const WIDTH: f64 = 520.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

/// An SVG document (with the XML namespace, so it stands alone as a file too).
pub fn trend_svg(points: &[TrendPoint]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="Libertinus Serif, Georgia, serif" font-size="10" role="img" aria-label="Score trend">"##
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |score: f64| TOP + plot_h * (1.0 - score.clamp(0.0, 100.0) / 100.0);
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let ty = y(tick);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#d9dde3" stroke-width="0.6"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#5b6472">{tick}</text>"##,
            WIDTH - RIGHT,
            LEFT - 5.0,
            ty + 3.5
        );
    }
    let (Some(firstp), Some(lastp)) = (points.first(), points.last()) else {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#5b6472">No scored scan yet</text></svg>"##,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0
        );
        return s;
    };
    let first = firstp.at.timestamp() as f64;
    let last = lastp.at.timestamp() as f64;
    let span = (last - first).max(1.0);
    let x = |p: &TrendPoint| {
        if points.len() == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * (p.at.timestamp() as f64 - first) / span
        }
    };
    let path: Vec<String> = points
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p), y(p.score)))
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#1f4e8c" stroke-width="1.8" stroke-linejoin="round"/>"##,
        path.join(" ")
    );
    for p in points {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="2.6" fill="#1f4e8c"/>"##,
            x(p),
            y(p.score)
        );
    }
    let base = HEIGHT - 8.0;
    let label = |p: &TrendPoint| p.at.format("%Y-%m-%d").to_string();
    if points.len() == 1 {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{base}" text-anchor="middle" fill="#5b6472">{}</text>"##,
            x(firstp),
            label(firstp)
        );
    } else {
        let _ = write!(
            s,
            r##"<text x="{LEFT}" y="{base}" text-anchor="start" fill="#5b6472">{}</text><text x="{:.1}" y="{base}" text-anchor="end" fill="#5b6472">{}</text>"##,
            label(firstp),
            WIDTH - RIGHT,
            label(lastp)
        );
    }
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-weight="bold" fill="#1f4e8c">{:.1}</text>"##,
        (x(lastp) - 4.0).max(LEFT + 20.0),
        y(lastp.score) - 6.0,
        lastp.score
    );
    s.push_str("</svg>");
    s
}
