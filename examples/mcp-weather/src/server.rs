//! The MCP server: its state, its capabilities, and the pieces `fusebox::rmcp` gives it: the
//! stats resource and its subscription, and tool calls that stop at once when the client
//! cancels them.

use std::sync::Arc;

use fusebox::rmcp::StatsSubscription;
use fusebox::{Family, KeyTypeMismatch};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListResourcesResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities,
    ServerConfig, SubscribeRequestParams, UnsubscribeRequestParams,
};
use rmcp::service::RequestContext;
use rmcp::{tool_handler, ErrorData as McpError, RoleServer, ServerHandler};

use crate::cache::WeatherCache;
use crate::region::Region;
use crate::regional;
use crate::store::Store;
use crate::weather::WeatherClient;

/// The weather and storage tools, with what they depend on. Cheap to clone: the streamable
/// HTTP transport makes one per session (each with its own, empty, stats subscription).
#[derive(Clone, Debug)]
pub struct WeatherServer {
    pub(crate) tool_router: ToolRouter<WeatherServer>,
    pub(crate) weather: WeatherClient,
    /// One breaker per region ([`regional`]).
    pub(crate) weather_api: Arc<Family<Region>>,
    pub(crate) cache: Arc<WeatherCache>,
    pub(crate) store: Store,
    /// The session's subscription to `circuit-breaker://stats`.
    stats: StatsSubscription,
}

impl WeatherServer {
    /// A server that asks `weather`'s regional endpoints, each behind its breaker of the
    /// `weather_api` family, keeps live answers in `cache` and stores into `store`.
    ///
    /// # Errors
    ///
    /// [`KeyTypeMismatch`] if the process has a `weather_api` family keyed by another type.
    pub fn new(
        weather: WeatherClient,
        cache: Arc<WeatherCache>,
        store: Store,
    ) -> Result<WeatherServer, KeyTypeMismatch> {
        Ok(WeatherServer {
            tool_router: Self::tool_router(),
            weather,
            weather_api: regional::weather_api()?,
            cache,
            store,
            stats: StatsSubscription::new(),
        })
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for WeatherServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_resources_subscribe()
                .build(),
        )
        .with_server_info(Implementation::new(
            "mcp-weather",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(
            "get_weather answers the current weather of a city from a regional endpoint (eu, \
             us or asia), live or from a fallback (the answer's `region` and `source` say \
             which); store_data stores a record, or queues it when the \
             database is down. Read circuit-breaker://stats for the circuit breakers, or \
             subscribe to it to hear when one changes state.",
        )
    }

    /// Runs the tool until it answers or the client cancels the request. A cancelled call's
    /// future is dropped: fusebox counts it as cancelled, neither a success nor a failure.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        fusebox::rmcp::call_tool(&self.tool_router, self, request, context).await
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(vec![
            fusebox::rmcp::stats_resource(),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        fusebox::rmcp::read_only_stats(&request.uri).map(Into::into)
    }

    /// `resources/subscribe`, as clients on the `initialize` lifecycle send it.
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.stats.subscribe(&request.uri, context.peer)
    }

    /// `resources/unsubscribe`.
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.stats.unsubscribe(&request.uri)
    }
}
