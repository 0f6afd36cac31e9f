"""Optional dependencies (pip extras) and the install line a user sees when one is missing.

The core install runs `ask`, `chat` (offline engine), the tools and `audit`. The SDKs are extras:
`openai`, `anthropic`, `mcp` (the MCP server: mcp, mcp-types, anyio), `evals` (vcrpy, pyyaml) and
`all`. A command that needs a missing extra ends in one sentence naming the command that installs it,
for the way this copy was installed (a git URL, a local checkout, a wheel file or an index), read from
the installation's `direct_url.json` (PEP 610).
"""

from __future__ import annotations

import json
import shlex
import sys
from importlib import metadata
from urllib.parse import unquote, urlsplit

DISTRIBUTION = "ecocompute"
# top-level import name -> the extra that installs it
EXTRA_FOR_MODULE = {"openai": "openai", "anthropic": "anthropic", "mcp": "mcp", "mcp_types": "mcp",
                    "anyio": "mcp", "vcr": "evals", "yaml": "evals"}


def extra_for(exc: ModuleNotFoundError) -> str | None:
    """The extra that provides the module `exc` could not find (None: not an optional dependency)."""
    return EXTRA_FOR_MODULE.get((exc.name or "").partition(".")[0])


def missing_extra_sentence(exc: ModuleNotFoundError, command: str) -> str | None:
    """`ecocompute mcp needs the optional 'mcp' dependencies; install them with: ...` or None."""
    extra = extra_for(exc)
    if extra is None:
        return None
    return (f"{command} needs the optional '{extra}' dependencies ({exc.name} is not installed); "
            f"install them with: {install_command(extra)}")


def install_command(extra: str | None = None, python: str | None = None) -> str:
    """The pip command that installs ecocompute (with `extra`) the way this copy was installed."""
    editable, spec = _spec(extra)
    return f"{shlex.quote(python or sys.executable)} -m pip install{' -e' if editable else ''} {shlex.quote(spec)}"


def requirement() -> str:
    """What to give pip for this copy of ecocompute (a git URL, a folder, a wheel, or the name)."""
    return _spec(None)[1]


def _spec(extra: str | None) -> tuple[bool, str]:
    suffix = f"[{extra}]" if extra else ""
    origin = _direct_url()
    if origin is None:
        return False, DISTRIBUTION + suffix
    url = str(origin.get("url", ""))
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict):
        revision = vcs.get("requested_revision") or vcs.get("commit_id")
        return False, f"{DISTRIBUTION}{suffix} @ {vcs.get('vcs', 'git')}+{url}" + (f"@{revision}" if revision else "")
    if urlsplit(url).scheme == "file":
        dir_info = origin.get("dir_info")
        editable = isinstance(dir_info, dict) and bool(dir_info.get("editable"))
        return editable, unquote(urlsplit(url).path) + suffix
    return False, f"{DISTRIBUTION}{suffix} @ {url}"


def _direct_url() -> dict | None:
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None
