//! The harness for external services that Rampart's tests and benchmarks drive for real, plus
//! (in `tests/`) the browser tests of the dashboard.
//!
//! - [`postgres`]: throwaway PostgreSQL clusters (`initdb` into a temporary directory, one
//!   server per test process, a fresh database per test), or an external cluster named by
//!   `RAMPART_TEST_PG_URL`.
//! - [`webdriver`]: a small W3C WebDriver client that starts `chromedriver` and a headless
//!   Chromium with a private profile and download folder.
//!
//! Both need Debian packages that `scripts/ensure-postgres` and `scripts/ensure-chromium`
//! install. Every process started here is tied to the test process: it is stopped when its
//! handle is dropped, and also when the test process dies without running destructors.

pub mod postgres;
pub mod webdriver;

pub use webdriver::free_port;
