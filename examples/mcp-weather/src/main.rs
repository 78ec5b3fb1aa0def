//! `mcp-weather`: an MCP server whose tools keep answering when their weather service or
//! their database fails. See `mcp-weather --help` and the crate's docs.

use std::process::ExitCode;

use clap::Parser;
use mcp_weather::cli::Cli;

fn main() -> ExitCode {
    mcp_weather::app::main(&Cli::parse())
}
