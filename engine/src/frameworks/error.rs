//! What can be wrong with a framework data file.

/// A framework data file that cannot be used, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("framework file `{file}`: {problem}")]
pub struct FrameworkError {
    pub file: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Not TOML, or not the expected fields (the parser's message says where).
    #[error("{0}")]
    Toml(String),
    #[error("`{0}` is not a framework Rampart knows")]
    UnknownFramework(String),
    #[error("framework `{0}` is described by two files")]
    DuplicateFramework(&'static str),
    #[error("framework `{0}` has no data file")]
    MissingFramework(&'static str),
    #[error("control id `{id}` is not numbered the way `{framework}` numbers its controls")]
    BadControlId { id: String, framework: &'static str },
    #[error("control `{0}` is listed twice")]
    DuplicateControl(String),
    #[error("control `{0}` has an empty title or section")]
    MissingText(String),
    #[error(
        "control `{0}` must have exactly one of `checks`, `manual` or `not_covered` (with a non-empty note), and a `note` only with `checks`"
    )]
    Kind(String),
    #[error(
        "control `{0}` has an empty `checks` list; list it as `manual` or `not_covered` instead"
    )]
    NoChecks(String),
    #[error("control `{control}` names `{check}`, which is not a check")]
    UnknownCheck { control: String, check: String },
    #[error("`{0}` is listed as unmapped but is not a check")]
    UnknownUnmappedCheck(String),
    #[error("`{0}` is listed as unmapped but answers `{1}`")]
    UnmappedButMapped(String, String),
    #[error("`{0}` is listed as unmapped twice or without a reason")]
    BadUnmapped(String),
}
