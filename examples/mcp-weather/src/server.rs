//! The MCP server: its state, its capabilities, the stats resource, and how a tool call is
//! run so that a call the client cancels stops at once.

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ErrorCode, Implementation, ListResourcesResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool_handler, ErrorData as McpError, RoleServer, ServerHandler};

use crate::cache::WeatherCache;
use crate::stats_resource::{self, STATS_URI};
use crate::store::Store;
use crate::weather::WeatherClient;

/// JSON-RPC error code for a request the client cancelled (the code LSP uses).
const REQUEST_CANCELLED: ErrorCode = ErrorCode(-32800);

/// The weather and storage tools, with what they depend on. Cheap to clone: the streamable
/// HTTP transport makes one per session.
#[derive(Clone, Debug)]
pub struct WeatherServer {
    pub(crate) tool_router: ToolRouter<WeatherServer>,
    pub(crate) weather: WeatherClient,
    pub(crate) cache: Arc<WeatherCache>,
    pub(crate) store: Store,
}

impl WeatherServer {
    /// A server that asks `weather`, keeps live answers in `cache` and stores into `store`.
    pub fn new(weather: WeatherClient, cache: Arc<WeatherCache>, store: Store) -> WeatherServer {
        WeatherServer {
            tool_router: Self::tool_router(),
            weather,
            cache,
            store,
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for WeatherServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new(
            "mcp-weather",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(
            "get_weather answers the current weather of a city, live or from a fallback (the \
             answer's `source` says which); store_data stores a record, or queues it when the \
             database is down. Read circuit-breaker://stats for the circuit breakers.",
        )
    }

    /// Runs the tool until it answers or the client cancels the request. A cancelled call's
    /// future is dropped: fusebox counts it as cancelled, neither a success nor a failure.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let cancelled = context.ct.clone();
        let name = request.name.clone();
        let call = self
            .tool_router
            .call(ToolCallContext::new(self, request, context));
        tokio::select! {
            biased;
            () = cancelled.cancelled() => {
                tracing::info!(tool = %name, "call cancelled by the client");
                Err(McpError::new(REQUEST_CANCELLED, "request cancelled by the client", None))
            }
            response = call => response,
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(vec![
            stats_resource::listing(),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        if request.uri != STATS_URI {
            return Err(McpError::resource_not_found(
                format!(
                    "no resource {}; the one resource is {STATS_URI}",
                    request.uri
                ),
                None,
            ));
        }
        stats_resource::read()
            .map(Into::into)
            .map_err(|error| McpError::internal_error(error.to_string(), None))
    }
}
