"""Drive `ecocompute mcp` (the installed console script given as argv[1]) with the MCP SDK's client.

Lists the tools, reads one reference, calls one tool and one bad call; prints one line; exits 1 on a
mismatch. Run by .ci/wheel-smoke from a folder outside the checkout.
"""

from __future__ import annotations

import sys

import anyio
from mcp import Client, StdioServerParameters


async def main(command: str) -> int:
    params = StdioServerParameters(command=command, args=["mcp"])
    async with Client(params, read_timeout_seconds=60) as client:
        tools = [t.name for t in (await client.list_tools()).tools]
        resources = (await client.list_resources()).resources
        text = (await client.read_resource(str(resources[0].uri))).contents[0].text
        call = await client.call_tool("lookup_measurement", {"gpu": "a800", "model": "Mistral-7B"})
        bad = await client.call_tool("lookup_measurement", {"gpu": "rtx9999"})
    ok = ("lookup_measurement" in tools and "audit_code" in tools and text.strip() and not call.is_error
          and call.structured_content and call.structured_content.get("rows") and bad.is_error)
    print(f"mcp: {len(tools)} tools, {len(resources)} resources, lookup rows "
          f"{len(call.structured_content.get('rows', [])) if call.structured_content else 0}, bad call is_error={bad.is_error}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main, sys.argv[1]))
