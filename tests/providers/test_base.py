"""`make_model`: parsing `provider:model`, lazy SDK imports, the scripted model from a file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecocompute.messages import ModelError
from ecocompute.providers.base import Model, make_model, split_model_id
from ecocompute.providers.scripted import ScriptedModel


def test_split_model_id() -> None:
    assert split_model_id("openai:gpt-x") == ("openai", "gpt-x")
    assert split_model_id("Anthropic:claude:latest") == ("anthropic", "claude:latest")
    assert split_model_id("offline") == ("offline", "")
    assert split_model_id("") == ("offline", "")


def test_unknown_provider_is_one_clear_sentence() -> None:
    with pytest.raises(ModelError, match="Unknown model provider 'gemini'") as info:
        make_model("gemini:pro")
    assert info.value.kind == "config"


@pytest.mark.parametrize("model_id", ["openai", "anthropic:"])
def test_a_provider_without_a_model_name_is_refused(model_id: str) -> None:
    with pytest.raises(ModelError, match="names no model"):
        make_model(model_id)


def test_offline_is_the_default_and_resolves_lazily() -> None:
    try:
        model = make_model()
    except ModelError as exc:  # the engine is someone else's module and may not exist yet
        assert exc.kind == "config" and "offline engine is not available" in str(exc)
    else:
        assert isinstance(model, Model) and "offline" in model.id


def test_scripted_model_from_a_json_file(tmp_path: Path) -> None:
    script = tmp_path / "steps.json"
    script.write_text(json.dumps([{"text": "hello"}]), encoding="utf-8")
    model = make_model(f"scripted:{script}")
    assert isinstance(model, ScriptedModel) and model.id == f"scripted:{script}"
    assert model.complete("s", [], []).text == "hello"


def test_scripted_model_needs_a_readable_script(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="needs a script"):
        make_model("scripted")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="Cannot read the model script"):
        make_model(f"scripted:{bad}")


def test_sdks_are_not_imported_until_selected() -> None:
    code = (
        "import sys; from ecocompute.providers.base import make_model; "
        "import ecocompute.loop, ecocompute.schemas, ecocompute.grounding; "
        "print(sorted(m for m in ('openai', 'anthropic', 'httpx2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
