//! Rampart's dashboard components: Leptos, server-side rendered without hydration.
//!
//! Empty until the dashboard issue: pages and components land here, and this crate never
//! depends on sqlx or the AWS SDK (server-only code sits behind the `ssr` feature).
