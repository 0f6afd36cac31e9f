"""The one secret scrubber: every artefact (eval reports, cassettes, error messages) passes through it.

Secrets are removed by value (credentials found in the environment, of any length, plus any given
explicitly) and by pattern (vendor key shapes, bearer tokens, credentials in URIs, signed-URL and token
query parameters, auth headers echoed in text).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

REDACTED = "REDACTED"
# Environment variables whose values are credentials (OPENAI_API_KEY, HF_TOKEN, AWS_SECRET_ACCESS_KEY, ...):
# a name with one of these words between underscores.
SECRET_WORDS = frozenset({"KEY", "APIKEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "CREDENTIAL",
                          "CREDENTIALS", "COOKIE", "SIGNATURE", "PAT"})
NOT_SECRET = frozenset({"", "0", "1", "true", "false", "yes", "no", "on", "off", "none", "null"})
SHORT = 8  # shorter values are replaced only as whole words, so that "abc" does not eat "abcdef"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}|org-[A-Za-z0-9]{8,}|proj_[A-Za-z0-9]{8,}"
                r"|gh[pousr]_[A-Za-z0-9]{16,}|hf_[A-Za-z0-9]{16,}|xox[abpr]-[A-Za-z0-9-]{8,}|AKIA[0-9A-Z]{16})"),
     REDACTED),
    (re.compile(r"\b(Bearer)([ \t]+)[^\s\"',;]+", re.I), rf"\1\2{REDACTED}"),
    (re.compile(r"\b(Basic)([ \t]+)[A-Za-z0-9+/]{8,}={0,2}"), rf"\1\2{REDACTED}"),
    (re.compile(r"\b((?:authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie)"
                r"[\"']?[ \t]*[:=][ \t]*[\"']?)[^\s\"',;]+", re.I), rf"\1{REDACTED}"),
    (re.compile(r"(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*://)[^/\s@:]*:[^/\s@]*@", re.I), rf"\1{REDACTED}@"),
    (re.compile(r"([?&;](?:access_token|refresh_token|id_token|token|sig|signature|api_key|apikey|api-key|key"
                r"|password|passwd|secret|client_secret|auth|code|x-amz-signature|x-amz-credential"
                r"|x-amz-security-token|x-goog-signature|x-goog-credential|se|skoid|sktid)=)[^&#\s\"']*", re.I),
     rf"\1{REDACTED}"),
)


def environment_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of credential-named environment variables (every length, blanks excluded)."""
    env = os.environ if environ is None else environ
    return [value.strip() for name, value in env.items() if _is_secret_name(name) and _could_be_secret(value)]


def _is_secret_name(name: str) -> bool:
    return any(word in SECRET_WORDS for word in re.split(r"[_\W]+", name.upper()))


def _could_be_secret(value: str) -> bool:
    """Flags, numbers and paths in credential-named variables (HF_HUB_DISABLE_TOKEN=1) are not secrets."""
    text = value.strip()
    if text.lower() in NOT_SECRET or text.startswith(("/", "~")) or any(c.isspace() for c in text):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


class Scrubber:
    """Replaces known secret values, then secret-shaped text, with `REDACTED`."""

    def __init__(self, secrets: Iterable[str] = (), *, from_environment: bool = True) -> None:
        values = {s.strip() for s in secrets if s and s.strip().lower() not in NOT_SECRET}
        if from_environment:
            values |= set(environment_secrets())
        values.discard(REDACTED)
        ordered = sorted(values, key=len, reverse=True)
        long_ones = [re.escape(v) for v in ordered if len(v) >= SHORT]
        short_ones = [re.escape(v) for v in ordered if len(v) < SHORT]
        parts = long_ones + [rf"(?<![A-Za-z0-9_]){v}(?![A-Za-z0-9_])" for v in short_ones]
        self._values = re.compile("|".join(parts)) if parts else None

    def text(self, text: str) -> str:
        if self._values is not None:
            text = self._values.sub(REDACTED, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


def scrub(text: str, extra: Iterable[str] = ()) -> str:
    """`text` without the environment's credentials, `extra` values or secret-shaped strings."""
    return Scrubber(extra).text(text)
