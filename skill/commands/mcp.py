"""`ecocompute mcp`: serve the tools, references and protocols over MCP on stdio."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    parser.epilog = (
        "Speaks MCP on stdin/stdout until the client closes the stream; logs go to stderr. "
        "Client config: {\"command\": \"ecocompute\", \"args\": [\"mcp\"]}."
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecocompute.mcp_server import serve_stdio

    serve_stdio()
    return 0
