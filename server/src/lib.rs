//! Rampart's server side: configuration, storage (SQLite or PostgreSQL), ingesting scans,
//! background scan jobs and the web dashboard. The `rampart` binary's CLI sits on top.

pub mod access;
pub mod auth;
pub mod config;
pub mod exports;
pub mod ingest;
pub mod jobs;
pub mod mutes;
pub mod reports;
pub mod store;
pub mod web;
