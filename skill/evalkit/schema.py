"""The scenario schema: a question (one or more turns) and what a good answer must and must not do.

Scenarios never hold measured numbers: numeric expectations point at values inside the tool results
of the same transcript (`NumberRef`), so the data can change without editing a scenario.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ecocompute import protocols
from ecocompute.tools.evidence import Paradox

Regime = Literal["transformers", "serving", "both", "none"]
Language = Literal["en", "zh"]
Scope = Literal["final", "all"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tags(_Strict):
    """How the report groups a scenario."""

    paradox: list[Paradox] = Field(default_factory=list)
    regime: Regime = "transformers"
    language: Language = "en"
    kind: list[str] = Field(default_factory=list, description="naive, symptom, code, multi_turn ...")


class Turn(_Strict):
    """One user message; `file` (relative to the scenario) or `code` is attached as a fenced block."""

    text: str
    file: str | None = None
    code: str | None = None

    @model_validator(mode="after")
    def _one_attachment(self) -> Turn:
        if self.file and self.code:
            raise ValueError("a turn attaches either `file` or `code`, not both")
        return self


class ToolExpectation(_Strict):
    """A tool call the answer needs: one of `name` (a name or a list of acceptable names).

    `args` maps an argument to a constraint: a string is a case-insensitive regex searched in the
    argument's text, a list means any of its items, anything else must be equal.
    """

    name: str | list[str]
    args: dict[str, Any] = Field(default_factory=dict)
    why: str = ""
    allow_error: bool = Field(False, description="an input-error result counts (out-of-data names)")

    @property
    def names(self) -> list[str]:
        return [self.name] if isinstance(self.name, str) else list(self.name)


class Pattern(_Strict):
    """A case-insensitive regex and the reason it is required or forbidden.

    `section` limits the search to the lines under one heading of the scenario's protocol (a heading of the
    protocols table, found as written or translated), up to the next heading or bold label.
    """

    pattern: str
    why: str
    scope: Scope = "final"
    section: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        import re

        re.compile(value)
        return value


class AnyOf(_Strict):
    """At least one of several patterns (different acceptable corrections)."""

    any_of: list[str]
    why: str
    scope: Scope = "final"


class NumberRef(_Strict):
    """A value in the tool results of the same transcript that the answer must state.

    `path` walks the JSON result: `a.b` keys, `*` every list item, `[key=value]` list items whose key
    equals value (case-insensitive). Example: `tables.*.rows[precision=nf4].delta_energy_vs_baseline.pct`.
    """

    tool: str
    path: str
    why: str
    match: Literal["any", "all"] = "any"


class RangeRef(_Strict):
    """Every number the answer writes before `unit` must lie within the values at `path`."""

    tool: str | list[str]
    path: str | list[str]
    unit: str
    why: str

    @property
    def tools(self) -> list[str]:
        return [self.tool] if isinstance(self.tool, str) else list(self.tool)

    @property
    def paths(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else list(self.path)


class Expect(_Strict):
    tools: list[ToolExpectation] = Field(default_factory=list)
    forbidden_tools: list[str] = Field(default_factory=list)
    required: list[Pattern | AnyOf] = Field(default_factory=list)
    forbidden: list[Pattern] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    numbers: list[NumberRef] = Field(default_factory=list)
    ranges: list[RangeRef] = Field(default_factory=list)
    grounded: bool = True
    rubric: str | None = None
    forbid_untranslated_headings: bool = Field(
        False, description="an answer in another language: no heading is a protocol heading in English (from the table)")


class Scenario(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    protocol: str = Field(description="a protocol of the protocols table, any case (stored lower case)")
    tags: Tags = Field(default_factory=Tags)
    turns: list[Turn] = Field(min_length=1)
    expect: Expect
    source: str = ""

    @field_validator("protocol")
    @classmethod
    def _a_protocol_of_the_table(cls, value: str) -> str:
        if value.upper() not in protocols.BY_NAME:
            raise ValueError(f"not a protocol; the protocols are {', '.join(p.name.lower() for p in protocols.PROTOCOLS)}")
        return value.lower()

    @model_validator(mode="before")
    @classmethod
    def _all_sections(cls, data: Any) -> Any:
        """`sections: all` in a scenario means every heading of its protocol, from the protocols table."""
        if isinstance(data, dict) and isinstance(data.get("expect"), dict) and data["expect"].get("sections") == "all":
            protocol = protocols.BY_NAME.get(str(data.get("protocol", "")).upper())
            if protocol is not None:  # an unknown protocol is reported by its own field's check
                data = {**data, "expect": {**data["expect"], "sections": protocol.headings}}
        return data

    @model_validator(mode="after")
    def _sections_are_the_protocols(self) -> Scenario:
        headings = protocols.get(self.protocol).headings
        scoped = [p.section for p in self.expect.required + self.expect.forbidden if isinstance(p, Pattern) and p.section]
        unknown = [s for s in self.expect.sections + scoped if s.split("|")[0] not in headings]
        if unknown:
            raise ValueError(f"sections {unknown} are not headings of {self.protocol.upper()}: {', '.join(headings)}")
        return self

    def user_messages(self, base: Path | None = None) -> list[str]:
        """Every turn as the user message text, with its attachment inlined."""
        return [render_turn(turn, base) for turn in self.turns]


def render_turn(turn: Turn, base: Path | None) -> str:
    """The user message: the text, then the attached file or code in a fenced python block."""
    if turn.code is not None:
        return f"{turn.text}\n\n```python\n{turn.code.rstrip()}\n```\n"
    if turn.file is not None:
        path = (base or Path.cwd()) / turn.file
        body = path.read_text(encoding="utf-8")
        return f"{turn.text}\n\nAttached file: `{Path(turn.file).name}`\n```python\n{body.rstrip()}\n```\n"
    return turn.text


class ScenarioError(ValueError):
    """A scenario file that cannot be read or does not fit the schema (one sentence)."""


def load_file(path: Path) -> list[Scenario]:
    """Scenarios in one YAML file (a list, or one mapping)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"Cannot read scenario file {path}: {type(exc).__name__}.") from None
    items = raw if isinstance(raw, list) else [raw]
    scenarios = []
    for index, item in enumerate(items):
        try:
            scenarios.append(Scenario.model_validate({**item, "source": str(path)}))
        except (ValidationError, TypeError) as exc:
            where = item.get("id", f"#{index}") if isinstance(item, dict) else f"#{index}"
            raise ScenarioError(f"Scenario {where} in {path} is invalid: {_first_error(exc)}") from None
    return scenarios


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}."
    return str(exc)


def load(pattern: str) -> list[Scenario]:
    """Every scenario in the files matching a glob, ids unique, in file order."""
    files = sorted(Path(p) for p in glob.glob(pattern, recursive=True))
    if not files:
        raise ScenarioError(f"No scenario files match {pattern!r}.")
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for path in files:
        for scenario in load_file(path):
            if scenario.id in seen:
                raise ScenarioError(f"Scenario id {scenario.id!r} appears in {seen[scenario.id]} and {path}.")
            seen[scenario.id] = str(path)
            scenarios.append(scenario)
    return scenarios
