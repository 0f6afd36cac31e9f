"""The friendly subcommands' flags, as a person reads them in `--help`."""

from __future__ import annotations

from typing import Literal, get_args, get_origin

import pytest

from ecocompute.commands.friendly import TOOL_FOR, _base, flag_options
from ecocompute.registry import get_tool


@pytest.mark.parametrize("command", sorted(TOOL_FOR))
def test_every_flag_says_more_than_its_name(command: str) -> None:
    """The schemas leave self-explaining arguments undescribed; `--help` still explains each flag (an enum
    lists its values instead) and never shows the schemas' `null = ` convention."""
    spec = get_tool(TOOL_FOR[command])
    for field, info in spec.args_model.model_fields.items():
        help_text = flag_options(field, info)["help"]
        assert "null" not in help_text, (command, field, help_text)
        if get_origin(_base(info.annotation)) is not Literal:
            assert help_text.split(" (default")[0] != field.replace("_", " "), (command, field)


def test_an_enum_flag_lists_its_values() -> None:
    info = get_tool("estimate_cost").args_model.model_fields["volume_unit"]
    options = flag_options("volume_unit", info)
    assert options["choices"] == [str(v) for v in get_args(_base(info.annotation))]
