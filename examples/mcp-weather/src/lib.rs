//! An MCP server whose tools keep answering when what they depend on fails.
//!
//! - `get_weather(city)` asks a weather service over HTTP behind the `weather_api` breaker,
//!   retrying a transient failure once (`retries = 1, retry_if = is_transient`); when both
//!   attempts fail or the breaker is open, the last live answer comes from a cache (breaker
//!   `cache`), and when that has nothing, a static answer does. Every answer says its source.
//! - `store_data(data)` writes a record to `SQLite` behind the `database` breaker; when the
//!   breaker rejects the call or the write fails, the record goes to a durable outbox on disk
//!   and a background task replays it once the database is back, exactly once.
//! - The resource `circuit-breaker://stats` serves every breaker's stats and the health
//!   ([`fusebox::rmcp`]); a client that subscribes to it is told when a breaker changes state.
//!
//! The binary `mcp-weather` serves it over stdio (or streamable HTTP with `--http`, with
//! Prometheus metrics at `/metrics`: [`prometheus`]); the binary
//! `demo` drives it with a real MCP client, serving it from its own executable ([`app`]). The weather service the example ships
//! ([`upstream`]) is a small flaky HTTP server with fault injection.

pub mod app;
pub mod cache;
pub mod cli;
pub mod database;
mod fallbacks;
pub mod outbox;
pub mod prometheus;
pub mod record;
pub mod server;
pub mod store;
mod tools;
pub mod transport;
pub mod upstream;
pub mod weather;

pub use server::WeatherServer;
