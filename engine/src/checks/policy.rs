//! statement helpers
