//! The pieces an MCP server built on `rmcp` needs to serve its breakers (feature
//! `rmcp`):
//!
//! - [`resource`]: the resource `circuit-breaker://stats`, every breaker's stats and the
//!   health as JSON, for `resources/list` ([`stats_resource`]) and `resources/read`
//!   ([`read_stats`]).
//! - [`rejection`]: a [`BreakerError`](crate::BreakerError) returned by a tool becomes a tool
//!   result with `isError: true`, the message, and in `_meta` what a program needs to stop
//!   retrying an open circuit: `retryable`, `retry_after_ms`, the breaker and its state.
//! - [`subscribe`]: [`StatsSubscription`] answers `resources/subscribe` on the stats: the
//!   client is told `notifications/resources/updated` when a breaker changes state,
//!   debounced.
//! - [`cancel`]: [`call_tool`] runs a tool call until the client cancels it, then drops it.
//!
//! A server handler with all of them (with `#[tool_router]` and `#[tool_handler]` from rmcp's
//! `macros`, the router comes from the tools, and `call_tool` is the override beside
//! `#[tool_handler]`, as in the example `mcp-weather`):
//!
//! ```
//! use fusebox::rmcp::StatsSubscription;
//! use rmcp::handler::server::router::tool::ToolRouter;
//! use rmcp::model::{
//!     CallToolRequestParams, CallToolResponse, ListResourcesResult, PaginatedRequestParams,
//!     ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig,
//!     SubscribeRequestParams, UnsubscribeRequestParams,
//! };
//! use rmcp::service::RequestContext;
//! use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
//!
//! #[derive(Clone)]
//! struct Server {
//!     tool_router: ToolRouter<Server>,
//!     stats: StatsSubscription, // one per session: a clone starts unsubscribed
//! }
//!
//! impl ServerHandler for Server {
//!     fn get_info(&self) -> ServerConfig {
//!         ServerConfig::new(
//!             ServerCapabilities::builder()
//!                 .enable_tools()
//!                 .enable_resources()
//!                 .enable_resources_subscribe()
//!                 .build(),
//!         )
//!     }
//!
//!     // A call the client cancels is dropped at once: neither a success nor a failure.
//!     async fn call_tool(&self, request: CallToolRequestParams, context: RequestContext<RoleServer>)
//!         -> Result<CallToolResponse, McpError> {
//!         fusebox::rmcp::call_tool(&self.tool_router, self, request, context).await
//!     }
//!
//!     async fn list_resources(&self, _: Option<PaginatedRequestParams>, _: RequestContext<RoleServer>)
//!         -> Result<ListResourcesResult, McpError> {
//!         Ok(ListResourcesResult::with_all_items(vec![fusebox::rmcp::stats_resource()]))
//!     }
//!
//!     async fn read_resource(&self, request: ReadResourceRequestParams, _: RequestContext<RoleServer>)
//!         -> Result<ReadResourceResponse, McpError> {
//!         fusebox::rmcp::read_only_stats(&request.uri).map(Into::into)
//!     }
//!
//!     async fn subscribe(&self, request: SubscribeRequestParams, context: RequestContext<RoleServer>)
//!         -> Result<(), McpError> {
//!         self.stats.subscribe(&request.uri, context.peer)
//!     }
//!
//!     async fn unsubscribe(&self, request: UnsubscribeRequestParams, _: RequestContext<RoleServer>)
//!         -> Result<(), McpError> {
//!         self.stats.unsubscribe(&request.uri)
//!     }
//! }
//!
//! let server = Server { tool_router: ToolRouter::new(), stats: StatsSubscription::new() };
//! assert!(server.get_info().capabilities.resources.unwrap().subscribe.unwrap());
//! ```
//!
//! A tool returning `Result<Json<T>, BreakerError>` (a fn with `#[circuit_breaker]` and no
//! fallback) answers a rejection as [`rejection_result`] does; an error type of your own that
//! carries a `BreakerError` implements rmcp's `IntoCallToolResult` with it.
//!
//! Nothing else in fusebox uses this module.

pub mod cancel;
pub mod rejection;
pub mod resource;
pub mod subscribe;

pub use cancel::{call_tool, cancelled_error, REQUEST_CANCELLED};
pub use rejection::{rejection_meta, rejection_result, REJECTION_META_KEY};
pub use resource::{read_only_stats, read_stats, stats_resource, Snapshot, STATS_URI};
pub use subscribe::{StatsSubscription, DEFAULT_DEBOUNCE};
