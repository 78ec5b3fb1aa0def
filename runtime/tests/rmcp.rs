//! A real rmcp client calls a tool protected by `#[circuit_breaker]` without a fallback, on a
//! real rmcp server in the same process: the rejection reaches the client as an error result
//! whose `_meta` says which breaker, that it is open and when to come back.

use fusebox::rmcp::{rejection_result, REJECTION_META_KEY};
use fusebox::{circuit_breaker, BreakerError};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::ServiceExt;
use rmcp::{tool, tool_handler, tool_router, ErrorData as McpError, RoleServer, ServerHandler};

/// The tool's errors: its own failure, or the breaker's.
#[derive(Debug)]
enum ToolError {
    Down,
    Breaker(BreakerError),
}

impl From<BreakerError> for ToolError {
    fn from(error: BreakerError) -> ToolError {
        ToolError::Breaker(error)
    }
}

impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, McpError> {
        match self {
            ToolError::Down => {
                Ok(CallToolResult::error(vec![ContentBlock::text("the service is down")]).into())
            }
            ToolError::Breaker(error) => Ok(rejection_result(&error).into()),
        }
    }
}

#[derive(Clone)]
struct Server {
    tool_router: ToolRouter<Server>,
}

#[tool_router]
impl Server {
    #[circuit_breaker(name = "rmcp_test_service", threshold = 1, recovery = "10m")]
    #[tool(description = "Always fails")]
    async fn flaky(&self) -> Result<String, ToolError> {
        Err(ToolError::Down)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        fusebox::rmcp::call_tool(&self.tool_router, self, request, context).await
    }
}

#[tokio::test]
async fn a_rejected_call_tells_the_client_the_breaker_its_state_and_when_to_retry() {
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let server = Server {
        tool_router: Server::tool_router(),
    };
    assert!(server.get_info().capabilities.tools.is_some());
    tokio::spawn(async move {
        let running = server.serve(server_io).await.expect("serve");
        let _ = running.waiting().await;
    });
    let client = ().serve(client_io).await.expect("initialize");

    let failed = client
        .call_tool(CallToolRequestParams::new("flaky"))
        .await
        .unwrap();
    assert_eq!(failed.is_error, Some(true));
    assert!(
        failed.meta.is_none(),
        "a failure of the tool is no rejection"
    );

    let rejected = client
        .call_tool(CallToolRequestParams::new("flaky"))
        .await
        .unwrap();
    assert_eq!(rejected.is_error, Some(true));
    let text = rejected.content[0].as_text().unwrap().text.clone();
    assert!(text.contains("`rmcp_test_service` is open"), "{text}");
    let meta = &rejected.meta.expect("a machine-readable part").0[REJECTION_META_KEY];
    assert_eq!(meta["breaker"], "rmcp_test_service");
    assert_eq!(meta["state"], "open");
    assert_eq!(meta["error"], "open");
    assert_eq!(meta["retryable"], true);
    let after = meta["retry_after_ms"].as_u64().expect("a number of ms");
    assert!(after > 0 && after <= 600_000, "{meta}");
    client.cancel().await.unwrap();
}
