//! A tool call that stops when the client cancels it.
//!
//! On `notifications/cancelled` rmcp fires the request's `RequestContext.ct` but keeps running
//! the handler. [`call_tool`] runs the tool until it answers or that token fires, and then
//! drops the call: fusebox counts a dropped call as cancelled, neither a success nor a
//! failure, so a client that gives up cannot trip a breaker.

use ::rmcp::handler::server::router::tool::ToolRouter;
use ::rmcp::handler::server::tool::ToolCallContext;
use ::rmcp::model::{CallToolRequestParams, CallToolResponse, ErrorCode};
use ::rmcp::service::RequestContext;
use ::rmcp::{ErrorData as McpError, RoleServer};

/// The JSON-RPC error code of a request the client cancelled (the code LSP uses).
pub const REQUEST_CANCELLED: ErrorCode = ErrorCode(-32800);

/// The error a cancelled call answers with (the client has stopped waiting for it; rmcp may
/// not even send it).
pub fn cancelled_error() -> McpError {
    McpError::new(REQUEST_CANCELLED, "request cancelled by the client", None)
}

/// Runs the tool `request` names through `router` on `server`, until it answers or the client
/// cancels the request; a cancelled call is dropped at once and answers [`cancelled_error`].
///
/// The body of a `ServerHandler::call_tool` override, beside `#[tool_handler]` (which then
/// keeps it):
///
/// ```
/// # use rmcp::handler::server::router::tool::ToolRouter;
/// # use rmcp::model::{CallToolRequestParams, CallToolResponse};
/// # use rmcp::service::RequestContext;
/// # use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
/// # #[derive(Clone)]
/// # struct Server {
/// #     tool_router: ToolRouter<Server>,
/// # }
/// # impl ServerHandler for Server {
/// async fn call_tool(&self, request: CallToolRequestParams, context: RequestContext<RoleServer>)
///     -> Result<CallToolResponse, McpError> {
///     fusebox::rmcp::call_tool(&self.tool_router, self, request, context).await
/// }
/// # }
/// ```
///
/// # Errors
///
/// [`cancelled_error`] when the client cancelled the request; otherwise what the router
/// answers (an unknown tool, bad arguments).
pub async fn call_tool<S>(
    router: &ToolRouter<S>,
    server: &S,
    request: CallToolRequestParams,
    context: RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError>
where
    S: Send + Sync + 'static,
{
    let cancelled = context.ct.clone();
    let name = request.name.clone();
    let call = router.call(ToolCallContext::new(server, request, context));
    tokio::select! {
        biased;
        () = cancelled.cancelled() => {
            tracing::info!(target: "fusebox", tool = %name, "tool call cancelled by the client");
            Err(cancelled_error())
        }
        response = call => response,
    }
}
