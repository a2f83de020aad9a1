//! Small formatting helpers shared by the pages.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// Percent-encodes a query value or path segment.
pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// Builds `path?k=v&...`, leaving out empty values.
pub fn url(path: &str, params: &[(&str, Option<String>)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", enc(v)))
        })
        .collect();
    if q.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", q.join("&"))
    }
}

/// A stored RFC 3339 time shown as `2026-06-01 14:03 UTC`.
pub fn when(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(d) => d.format("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => t.to_owned(),
    }
}

pub fn when_opt(t: Option<&str>) -> String {
    t.map(when).unwrap_or_else(|| "—".to_owned())
}

pub fn score(s: Option<f64>) -> String {
    s.map(|s| format!("{s:.1}"))
        .unwrap_or_else(|| "n/a".to_owned())
}

/// CSS class of a score band.
pub fn score_class(s: Option<f64>) -> &'static str {
    match s {
        None => "score score-none",
        Some(s) if s >= 90.0 => "score score-good",
        Some(s) if s >= 70.0 => "score score-fair",
        Some(_) => "score score-poor",
    }
}

/// Human name of a service key.
pub fn service_name(s: &str) -> &str {
    rampart_engine::inventory::Service::parse(s).map_or(s, |v| v.label())
}

/// Human name of a framework key.
pub fn framework_short(key: &str) -> &str {
    match key {
        "cis-aws-3.0" => "CIS 3.0",
        "cis-aws-5.0" => "CIS 5.0",
        "aws-fsbp" => "FSBP",
        "nist-800-53-r5" => "NIST",
        "pci-dss-4.0" => "PCI DSS",
        "hipaa" => "HIPAA",
        other => other,
    }
}

pub fn region_label(r: &str) -> &str {
    if r.is_empty() { "global" } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_leave_out_empty_values_and_encode_the_rest() {
        assert_eq!(
            url(
                "/findings",
                &[
                    ("account", Some("1111".into())),
                    ("q", Some("a b&c".into())),
                    ("check", None),
                    ("region", Some(String::new()))
                ]
            ),
            "/findings?account=1111&q=a%20b%26c"
        );
        assert_eq!(url("/findings", &[]), "/findings");
    }

    #[test]
    fn times_are_shown_in_utc_minutes() {
        assert_eq!(when("2026-06-01T14:03:09.000Z"), "2026-06-01 14:03 UTC");
        assert_eq!(when("garbage"), "garbage");
    }
}
