//! An MCP server whose tools keep answering when what they depend on fails.
//!
//! - `get_weather(city, region?)` asks one regional endpoint of a weather service over HTTP
//!   (eu, us or asia: [`region`]), behind that region's breaker of the `weather_api` keyed
//!   family ([`regional`]), retrying a transient failure once; when both attempts fail or the
//!   region's circuit is open, the last live answer comes from a cache (breaker `cache`), and
//!   when that has nothing, a static answer does. One region failing trips only its own
//!   circuit. Every answer says its region and its source.
//! - `store_data(data)` writes a record to `SQLite` behind the `database` breaker; when the
//!   breaker rejects the call or the write fails, the record goes to a durable outbox on disk
//!   and a background task replays it once the database is back, exactly once.
//! - The resource `circuit-breaker://stats` serves every breaker's stats and the health
//!   ([`fusebox::rmcp`]); a client that subscribes to it is told when a breaker changes state.
//!
//! The binary `mcp-weather` serves it over stdio (or streamable HTTP with `--http`, with
//! Prometheus metrics at `/metrics`: [`prometheus`]); the binary
//! `demo` drives it with a real MCP client, serving it from its own executable ([`app`]). The weather service the example ships
//! ([`upstream`]) is a small flaky HTTP server with fault injection; the server starts one per
//! region unless told where a region's endpoint is.

pub mod app;
pub mod cache;
pub mod cli;
pub mod database;
mod fallbacks;
pub mod outbox;
pub mod prometheus;
pub mod record;
pub mod region;
pub mod regional;
pub mod server;
pub mod store;
mod tools;
pub mod transport;
pub mod upstream;
pub mod weather;

pub use server::WeatherServer;
