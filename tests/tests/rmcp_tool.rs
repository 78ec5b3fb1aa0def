//! `#[circuit_breaker]` above rmcp 3.11's `#[tool]`: the tool keeps its name, description and
//! input schema, and its calls go through the breaker. (Below `#[tool]` it is refused with a
//! message to move it: `tests/ui/fail/below_tool.rs`.)

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;

use fusebox::{circuit_breaker, BreakerError, Cause, State};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock};
use rmcp::{schemars, tool, tool_router, ErrorData, ServiceExt};
use support::state;

/// What a weather tool is asked.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
struct Args {
    /// The city to look up.
    city: String,
}

#[derive(Clone, Default)]
struct WeatherServer {
    upstream_down: Arc<AtomicBool>,
}

#[tool_router(server_handler)]
impl WeatherServer {
    /// The current weather in a city.
    #[circuit_breaker(name = "rmcp_above", threshold = 2, fallback = cached_weather)]
    #[tool]
    async fn weather(
        &self,
        Parameters(Args { city }): Parameters<Args>,
    ) -> Result<CallToolResult, ErrorData> {
        if self.upstream_down.load(SeqCst) {
            return Err(ErrorData::internal_error("weather service down", None));
        }
        Ok(CallToolResult::success(vec![ContentBlock::text(format!(
            "{city}: 18°C"
        ))]))
    }

    /// The weather in a city over the next days.
    #[circuit_breaker(name = "rmcp_forecast", threshold = 1, fallback = cached_forecast)]
    #[tool]
    async fn forecast(
        &self,
        Parameters(Args { city }): Parameters<Args>,
    ) -> Result<String, String> {
        if self.upstream_down.load(SeqCst) {
            return Err("forecast service down".to_owned());
        }
        Ok(format!("{city}: sunny all week"))
    }

    /// The current weather in a city, unprotected: the reference for the schemas.
    #[tool]
    async fn plain_weather(&self, Parameters(args): Parameters<Args>) -> String {
        args.city
    }

    async fn cached_weather(
        &self,
        Parameters(args): Parameters<Args>,
        cause: Cause<ErrorData>,
    ) -> Result<CallToolResult, ErrorData> {
        let why = match cause {
            Cause::Failed(_) => "failed",
            Cause::Rejected(BreakerError::Open { .. }) => "open",
            _ => "other",
        };
        Ok(CallToolResult::success(vec![ContentBlock::text(format!(
            "{}: 17°C (cached, {why})",
            args.city
        ))]))
    }

    async fn cached_forecast(&self, Parameters(args): Parameters<Args>) -> Result<String, String> {
        Ok(format!("{}: no forecast", args.city))
    }
}

fn text(result: &CallToolResult) -> String {
    serde_json::to_value(result).unwrap()["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn args(city: &str) -> Parameters<Args> {
    Parameters(Args { city: city.into() })
}

#[test]
fn tools_keep_their_name_description_and_input_schema() {
    let router = WeatherServer::tool_router();
    let reference = router.get("plain_weather").unwrap();
    for (name, description) in [
        ("weather", "The current weather in a city."),
        ("forecast", "The weather in a city over the next days."),
    ] {
        let tool = router.get(name).unwrap_or_else(|| panic!("no tool {name}"));
        assert_eq!(tool.name, name);
        assert_eq!(tool.description.as_deref(), Some(description));
        assert_eq!(tool.input_schema, reference.input_schema);
    }
    assert_eq!(
        reference.input_schema["properties"]["city"]["description"],
        "The city to look up."
    );
    assert_eq!(router.list_all().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn above_tool_the_breaker_guards_the_call() {
    let server = WeatherServer::default();
    assert_eq!(
        text(&server.weather(args("Oslo")).await.unwrap()),
        "Oslo: 18°C"
    );
    server.upstream_down.store(true, SeqCst);
    for _ in 0..2 {
        assert_eq!(
            text(&server.weather(args("Oslo")).await.unwrap()),
            "Oslo: 17°C (cached, failed)"
        );
    }
    assert_eq!(state("rmcp_above"), State::Open);
    server.upstream_down.store(false, SeqCst);
    assert_eq!(
        text(&server.weather(args("Oslo")).await.unwrap()),
        "Oslo: 17°C (cached, open)"
    );
}

/// A real MCP session over an in-memory pipe: rmcp's client lists the tools and calls the
/// protected one; its breaker opens and the fallback answers.
#[tokio::test]
async fn an_mcp_client_lists_and_calls_the_protected_tool() {
    let server = WeatherServer::default();
    let upstream_down = server.upstream_down.clone();
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let (server, client) = tokio::join!(server.serve(server_io), ().serve(client_io));
    let (server, client) = (server.unwrap(), client.unwrap());

    let tools = client.list_all_tools().await.unwrap();
    let forecast = tools.iter().find(|tool| tool.name == "forecast").unwrap();
    assert_eq!(
        forecast.description.as_deref(),
        Some("The weather in a city over the next days.")
    );
    assert_eq!(
        forecast.input_schema["properties"]["city"]["description"],
        "The city to look up."
    );
    let call = || {
        let arguments = serde_json::json!({ "city": "Bergen" });
        client.call_tool(
            CallToolRequestParams::new("forecast")
                .with_arguments(arguments.as_object().unwrap().clone()),
        )
    };
    assert_eq!(text(&call().await.unwrap()), "Bergen: sunny all week");
    upstream_down.store(true, SeqCst);
    assert_eq!(text(&call().await.unwrap()), "Bergen: no forecast");
    assert_eq!(state("rmcp_forecast"), State::Open);
    upstream_down.store(false, SeqCst);
    assert_eq!(text(&call().await.unwrap()), "Bergen: no forecast");
    assert_eq!(support::stats("rmcp_forecast").rejections, 1);
    client.cancel().await.unwrap();
    server.cancel().await.unwrap();
}
