"""Audit one source: parse with `ast` (never import, compile for execution or run), walk once, run
the rules over the collected facts, drop silenced findings, attach snippets and measured impact."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

from ecocompute.tools.audit import generation, rules_batch, rules_int8, rules_nf4, rules_runtime
from ecocompute.tools.audit.calls import Hit
from ecocompute.tools.audit.collect import collect
from ecocompute.tools.audit.findings import FileReport, Finding
from ecocompute.tools.audit.hot import hot_lines
from ecocompute.tools.audit.impact import impact_for
from ecocompute.tools.audit.resolve import Resolver
from ecocompute.tools.audit.rules import MAX_FILE_MB, RULES_BY_ID, severity_rank

CHECKS = (rules_int8.check, rules_nf4.check, rules_batch.check, rules_runtime.check)
# Every rule needs one of these identifiers somewhere in the source text. A file that contains
# none of them cannot match, so it is parsed (to report syntax errors) but not walked.
TRIGGERS = (b"from_pretrained", b"BitsAndBytesConfig", b"load_in_", b"pipeline", b"batch_size",
            b"max_num_seqs", b"use_cache", b"create_completion", b"create_chat_completion", b"text_generation",
            b"mistral_inference", b"mlx_lm", b"Llama(")  # plus `.generate`
# `generate` is a common word; only an attribute access `.generate` (spaces or a line continuation
# allowed after the dot) can match ECO301.
_GENERATE = re.compile(rb"\.[\s\\]*generate\b")
_IGNORE = re.compile(r"#\s*ecocompute:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")
_SNIPPET_MAX = 120
# Limits that keep one file from taking the machine: bytes read, and syntax density (the parser's
# memory grows with the number of nodes, about 500 bytes each: a 5 MB one-line list is GBs).
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000
_BYTES_PER_TOKEN_BUDGET = 32  # token budget = max_bytes / this (1 M tokens by default)
_DENSE = (b",", b"(", b"[", b"{", b"=", b".", b":", b"\n")
_CHECK_DENSITY_FROM = 256_000


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rules run: `select` (None = all) minus `ignore`."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()

    def wants(self, rule_id: str) -> bool:
        return (self.select is None or rule_id in self.select) and rule_id not in self.ignore


ALL_RULES = Selection()


def audit_source(source: str | bytes, path: str = "<source>", uri: str | None = None,
                 selection: Selection = ALL_RULES, pins: dict[str, str] | None = None,
                 max_bytes: int = MAX_FILE_BYTES) -> FileReport:
    """Audit one file's source; a file that does not parse gets `error` instead of findings.

    `pins` are the package versions declared next to the file (`versions.pins_for`); a source
    denser in syntax than `max_bytes` allows is skipped with a stated error before parsing."""
    report = FileReport(path=path, uri=uri or path)
    raw = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    refused = _too_dense(raw, max_bytes)
    parsed = refused if refused else _parse(source, path)
    if isinstance(parsed, str):
        report.error = parsed
        return report
    report.lines = _line_count(raw)
    if _triggered(raw):
        report.findings, report.error = _run_rules(parsed, source, raw, selection, pins)
    return report


def _too_dense(raw: bytes, max_bytes: int) -> str | None:
    """Why a large source is refused before parsing: more syntax tokens than `max_bytes` allows."""
    if len(raw) <= _CHECK_DENSITY_FROM:
        return None
    tokens, budget = sum(raw.count(c) for c in _DENSE), max_bytes // _BYTES_PER_TOKEN_BUDGET
    if tokens <= budget:
        return None
    return (f"is skipped: about {tokens:,} tokens, over the limit of {budget:,} that keeps "
            "the parser's memory bounded (raise --max-file-size to audit it)")


def _parse(source: str | bytes, path: str) -> ast.Module | str:
    """The tree, or one sentence saying why the source cannot be parsed."""
    try:
        return ast.parse(source, filename=path)
    except SyntaxError as exc:
        return " ".join(f"does not parse: {exc.msg} (line {exc.lineno})".split())
    except (ValueError, RecursionError, MemoryError) as exc:
        return " ".join(f"cannot be parsed: {type(exc).__name__}: {exc}".split())


def _line_count(raw: bytes) -> int:
    """Lines as an editor counts them: LF, CRLF and lone CR end a line; a last line without one counts."""
    newlines = raw.count(b"\n") + (raw.count(b"\r") - raw.count(b"\r\n") if b"\r" in raw else 0)
    return newlines + (0 if raw.endswith((b"\n", b"\r")) or not raw else 1)


def _run_rules(tree: ast.Module, source: str | bytes, raw: bytes, selection: Selection,
               pins: dict[str, str] | None) -> tuple[list[Finding], str | None]:
    """Walk once, run the selected rules over the facts; a tree nested deeper than the recursion limit is an error."""
    hot = hot_lines(raw)
    try:
        facts = collect(tree, raw, generation.widen, hot)
        facts.pins = pins or {}
        resolver = Resolver(facts)
        hits = [hit for check in CHECKS for hit in check(facts, resolver) if selection.wants(hit.rule)]
        return (_findings(hits, _text(source), raw, facts.pins) if hits else []), None
    except RecursionError:  # the walk is recursive; an expression nested this deep is not audited
        return [], "is nested too deeply to audit (an expression deeper than the recursion limit)"


def _triggered(raw: bytes) -> bool:
    if any(trigger in raw for trigger in TRIGGERS):
        return True
    return b"generate" in raw and _GENERATE.search(raw) is not None


def _findings(hits: Iterable[Hit], text: str, raw: bytes, pins: dict[str, str]) -> list[Finding]:
    silenced = _silenced(text) if b"ecocompute" in raw else {}
    out = []
    for hit in hits:
        line, end = hit.node.lineno, hit.node.end_lineno or hit.node.lineno  # type: ignore[attr-defined]
        if any(_matches(silenced.get(n), hit.rule) for n in range(line, end + 1)):
            continue
        rule = RULES_BY_ID[hit.rule]
        versions = {p: pins.get(p, "not pinned") for p in rule.packages} | (hit.versions or {})
        out.append(Finding(rule_id=hit.rule, name=rule.name, severity=hit.severity, line=line,
                           column=hit.node.col_offset + 1, end_line=end,  # type: ignore[attr-defined]
                           snippet=_snippet(hit.node), fix=hit.fix, message=_with_versions(hit.message, versions),
                           impact=impact_for(rule.evidence), versions=versions))
    out.sort(key=lambda f: (f.line, f.column, severity_rank(f.severity), f.rule_id))
    return out


def _with_versions(message: str, versions: dict[str, str]) -> str:
    if not versions:
        return message
    return f"{message} (Depends on {'; '.join(f'{p}: {v}' for p, v in versions.items())}.)"


def _matches(ids: frozenset[str] | None, rule_id: str) -> bool:
    return ids is not None and (not ids or rule_id in ids)


def _silenced(text: str) -> dict[int, frozenset[str]]:
    """line -> rule ids silenced by a `# ecocompute: ignore[...]` COMMENT (empty set = all rules)."""
    out: dict[int, frozenset[str]] = {}
    try:
        # newline=None: universal newlines, so a CR-only file has its real line numbers
        for tok in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if tok.type == tokenize.COMMENT and (match := _IGNORE.search(tok.string)):
                ids = frozenset(i.strip().upper() for i in (match.group(1) or "").split(",") if i.strip())
                out[tok.start[0]] = ids
    except (tokenize.TokenError, SyntaxError):
        pass  # the file parsed, so this is only a tokenizer corner case: keep what was read
    return out


def _text(source: str | bytes) -> str:
    if isinstance(source, str):
        return source
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):  # a non-UTF-8 byte in a comment on line 1-2 that ast.parse accepted
        return source.decode("utf-8", errors="replace")


def _snippet(node: ast.AST) -> str:
    """The flagged code, re-rendered from the tree so comments never travel with it."""
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= _SNIPPET_MAX else text[: _SNIPPET_MAX - 1] + "…"
