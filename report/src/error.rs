//! What can go wrong building or rendering a report.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReportError {
    /// The embedded framework files of this build are broken.
    #[error("loading the frameworks catalogue: {0}")]
    Catalog(String),
    #[error("no data file for framework `{0}`")]
    UnknownFramework(&'static str),
    /// The model could not be handed to the template.
    #[error("serialising the report model: {0}")]
    Serialise(#[from] serde_json::Error),
    /// The Typst template failed to compile (a bug of this crate, never of the data).
    #[error("typesetting the report: {0}")]
    Typeset(String),
    #[error("writing the PDF: {0}")]
    Pdf(String),
}
