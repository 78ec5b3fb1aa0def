"""Drives mcp-weather with the official Python MCP SDK (`mcp`), for tests/python.rs.

Usage: subscribe_client.py SERVER DATA_DIR UPSTREAM_URL

Lists the tools, subscribes to circuit-breaker://stats, gets a live answer, then prints
`FAIL_UPSTREAM` and waits for a line on stdin (the Rust test makes the weather service fail),
trips the eu breaker of the `weather_api` family with two calls (Oslo is in eu), and waits for notifications/resources/updated. Prints `OK`
and exits 0 when everything held; any failed check raises and exits non-zero.
"""

import json
import os
import sys

import anyio
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

STATS = "circuit-breaker://stats"


async def main(server: str, data_dir: str, upstream: str) -> None:
    params = StdioServerParameters(
        command=server,
        args=["--data-dir", data_dir, "--upstream", upstream],
        env={
            "PATH": os.environ.get("PATH", ""),
            "FUSEBOX_WEATHER_API_THRESHOLD": "2",
            "FUSEBOX_WEATHER_API_RECOVERY": "10m",
            "FUSEBOX_WEATHER_API_RETRIES": "0",
        },
    )
    updated = anyio.Event()

    async def on_message(message) -> None:
        if isinstance(message, types.ResourceUpdatedNotification) and str(message.params.uri) == STATS:
            updated.set()

    async with stdio_client(params, errlog=sys.stderr) as (read, write):
        async with ClientSession(read, write, message_handler=on_message) as session:
            init = await session.initialize()
            assert init.capabilities.resources is not None, init
            assert init.capabilities.resources.subscribe is True, init.capabilities

            tools = {tool.name for tool in (await session.list_tools()).tools}
            assert tools == {"get_weather", "store_data"}, tools

            await session.subscribe_resource(STATS)

            answer = await session.call_tool("get_weather", {"city": "Oslo"})
            assert not answer.is_error, answer
            assert answer.structured_content["source"] == "live_api", answer.structured_content
            assert answer.structured_content["region"] == "eu", answer.structured_content

            print("FAIL_UPSTREAM", flush=True)
            await anyio.to_thread.run_sync(sys.stdin.readline)

            for _ in range(2):
                answer = await session.call_tool("get_weather", {"city": "Oslo"})
                assert answer.structured_content["source"] == "cache_fallback", answer
            with anyio.fail_after(20):
                await updated.wait()

            contents = (await session.read_resource(STATS)).contents
            stats = json.loads(contents[0].text)
            families = {entry["name"]: entry["family"] for entry in stats["breakers"] if "family" in entry}
            tripped = {key["key"]: key["state"] for key in families["weather_api"]["tripped_keys"]}
            assert tripped == {"eu": "open"}, stats
            print("OK", flush=True)


if __name__ == "__main__":
    anyio.run(main, *sys.argv[1:4])
