//! The PDF report, typeset by Typst used as a library. The template
//! (`templates/report.typ`) reads the model from a virtual `/report.json` with `json()`, so
//! no AWS-provided string is ever spliced into markup and nothing needs escaping. Fonts are
//! the ones `typst-assets` compiles in (Libertinus Serif, New Computer Modern, DejaVu Sans
//! Mono; SIL OFL and Bitstream Vera licences), never the system's: the same PDF on every
//! machine. `today()` is the report's `generated_at`, so output is deterministic.

use crate::chart::trend_svg;
use crate::error::ReportError;
use crate::model::Report;
use chrono::{Datelike, Timelike};
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

const TEMPLATE: &str = include_str!("../templates/report.typ");

/// The compiled-in fonts, parsed once per process.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

struct ReportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    chart_id: FileId,
    chart: Bytes,
    today: Option<Datetime>,
}

fn file_id(path: &str) -> Result<FileId, ReportError> {
    let vpath = VirtualPath::new(path).map_err(|e| ReportError::Typeset(format!("{e:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.chart_id {
            Ok(self.chart.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_owned()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typesets `report` as a PDF.
pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let at = report.generated_at;
    let date = || {
        Datetime::from_ymd(
            at.year(),
            u8::try_from(at.month()).ok()?,
            u8::try_from(at.day()).ok()?,
        )
    };
    let world = ReportWorld {
        main: Source::new(file_id("/main.typ")?, TEMPLATE.to_owned()),
        data_id: file_id("/report.json")?,
        data: Bytes::new(serde_json::to_vec(report)?),
        chart_id: file_id("/trend.svg")?,
        chart: Bytes::from_string(trend_svg(&report.summary.trend)),
        today: date(),
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| ReportError::Typeset(diagnostics(&e)))?;
    let timestamp = Datetime::from_ymd_hms(
        at.year(),
        u8::try_from(at.month()).unwrap_or(1),
        u8::try_from(at.day()).unwrap_or(1),
        u8::try_from(at.hour()).unwrap_or(0),
        u8::try_from(at.minute()).unwrap_or(0),
        u8::try_from(at.second()).unwrap_or(0),
    )
    .map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "rampart-{}-{}",
            report.framework.key, report.scope.label
        )),
        timestamp,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|e| ReportError::Pdf(diagnostics(&e)))
}
