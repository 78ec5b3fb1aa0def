//! The demo's MCP client: spawns the server (this executable, with `--serve`) over stdio and
//! calls it.

use std::path::Path;
use std::process::Stdio;

use mcp_weather::region::Region;
use rmcp::model::{CallToolRequestParams, ReadResourceRequestParams, ResourceContents};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};
use tokio::process::Command;

/// What the demo can fail with.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A connected MCP client.
pub struct Session {
    client: RunningService<RoleClient, ()>,
}

/// The first argument that makes the demo's executable serve MCP on stdio, as `mcp-weather`
/// would with the arguments after it.
pub const SERVE_FLAG: &str = "--serve";

impl Session {
    /// Starts the server over stdio with its data in `data_dir`, calling each region's
    /// weather service at the URL `upstreams` gives, with the environment `env`; its log goes
    /// to `log`. The server is this very executable, run again with [`SERVE_FLAG`].
    pub async fn start(
        data_dir: &Path,
        upstreams: &[(Region, String)],
        env: &[(&str, &str)],
        log: &Path,
    ) -> Result<Session, Error> {
        let mut command = Command::new(std::env::current_exe()?);
        command.arg(SERVE_FLAG).arg("--data-dir").arg(data_dir);
        for (region, url) in upstreams {
            command.arg("--upstream").arg(format!("{region}={url}"));
        }
        command.envs(env.iter().copied());
        let (transport, _) = TokioChildProcess::builder(command)
            .stderr(Stdio::from(std::fs::File::create(log)?))
            .spawn()?;
        let client = ().serve(transport).await?;
        Ok(Session { client })
    }

    /// Calls tool `name`; gives its structured answer, or its error text.
    pub async fn call(&self, name: &'static str, arguments: Value) -> Result<Value, Error> {
        let Value::Object(arguments) = arguments else {
            return Err("tool arguments must be a JSON object".into());
        };
        let result = self
            .client
            .call_tool(CallToolRequestParams::new(name).with_arguments(arguments))
            .await?;
        if result.is_error == Some(true) {
            let text: Vec<String> = result
                .content
                .iter()
                .filter_map(|content| content.as_text().map(|text| text.text.clone()))
                .collect();
            return Err(format!("tool error: {}", text.join(" ")).into());
        }
        result
            .structured_content
            .ok_or_else(|| format!("{name} gave no structured answer").into())
    }

    /// `get_weather(city)`.
    pub async fn weather(&self, city: &str) -> Result<Value, Error> {
        self.call("get_weather", json!({ "city": city })).await
    }

    /// The resource `circuit-breaker://stats`.
    pub async fn stats(&self) -> Result<Value, Error> {
        let result = self
            .client
            .read_resource(ReadResourceRequestParams::new("circuit-breaker://stats"))
            .await?;
        match result.contents.first() {
            Some(ResourceContents::TextResourceContents { text, .. }) => {
                Ok(serde_json::from_str(text)?)
            }
            _ => Err("the stats resource has no text".into()),
        }
    }

    /// The state of breaker `name`, or "-" before its first call.
    pub async fn state(&self, name: &str) -> Result<String, Error> {
        let snapshot = self.stats().await?;
        let state = snapshot["breakers"]
            .as_array()
            .and_then(|breakers| breakers.iter().find(|b| b["name"] == name))
            .and_then(|breaker| breaker["state"].as_str())
            .unwrap_or("-");
        Ok(state.to_owned())
    }

    /// The state of each region's breaker in the keyed family `name`: the state the stats
    /// list for a tripped region, `closed` for the others (every region has its breaker from
    /// the server's start).
    pub async fn region_states(&self, name: &str) -> Result<Vec<(Region, String)>, Error> {
        let snapshot = self.stats().await?;
        let tripped = snapshot["breakers"]
            .as_array()
            .and_then(|breakers| breakers.iter().find(|b| b["name"] == name))
            .map(|family| family["family"]["tripped_keys"].clone())
            .ok_or_else(|| format!("no family {name} in the stats"))?;
        let state_of = |region: Region| {
            tripped
                .as_array()
                .and_then(|keys| keys.iter().find(|k| k["key"] == region.name()))
                .and_then(|key| key["state"].as_str())
                .unwrap_or("closed")
                .to_owned()
        };
        Ok(Region::ALL
            .into_iter()
            .map(|region| (region, state_of(region)))
            .collect())
    }

    /// Closes the session; the server exits.
    pub async fn stop(self) -> Result<(), Error> {
        self.client.cancel().await?;
        Ok(())
    }
}
