//! The request context: the condition keys of one request and their values.

use std::collections::BTreeMap;

/// Condition keys (`aws:SourceIp`, `aws:PrincipalTag/team`, `s3:prefix`) and their values.
///
/// Keys are case-insensitive, as in IAM. Every key is multi-valued; a single-valued key is
/// a one-element list. A key with no values is the same as a missing key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Lower-cased key → values.
    values: BTreeMap<String, Vec<String>>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `values`, replacing what was there.
    pub fn insert<I, S>(&mut self, key: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.values.insert(
            key.to_lowercase(),
            values.into_iter().map(Into::into).collect(),
        );
    }

    /// The context with `key` set to the single `value` (builder style).
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.insert(key, [value]);
        self
    }

    /// The values of `key`, or `None` when the key is missing or has no values.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values
            .get(&key.to_lowercase())
            .map(Vec::as_slice)
            .filter(|v| !v.is_empty())
    }

    /// Whether `key` is present with at least one value.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The (lower-cased) keys and their values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}
