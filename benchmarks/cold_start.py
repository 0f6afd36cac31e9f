"""CLI cold start next to `python -c pass` and `python -c "import pydantic"`, and heavy imports.

Commands run round-robin (one of each per round) so drift hits every command alike; the figure is
the median wall time of N runs with the venv's own interpreter and console script (the minimum is
reported beside it: on a shared machine it is the figure least disturbed by other processes).
Every registry tool is started once per round with its example arguments (`ecocompute.examples`),
so that no tool is slow by surprise. `python -m benchmarks.cold_start [ROUNDS]` runs this step alone.
Bytecode is cached (in a temporary PYTHONPYCACHEPREFIX, after one untimed run of each command), as an
installed wheel has it, whatever the caller's PYTHONDONTWRITEBYTECODE (with it and no __pycache__, every run
compiles ecocompute's modules: tens of ms that no install pays).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from time import perf_counter

from benchmarks.report import Row, median, table

HEAVY = ("openai", "anthropic", "mcp", "jinja2", "rich", "httpx", "yaml", "vcr")
LOOKUP_ARGS = ["tool", "lookup_measurement", "--args", '{"gpu":"rtx4090d","model":"Mistral-7B"}']
LOOKUP = "ecocompute tool lookup_measurement"
AUDIT = "ecocompute audit FILE"
PYDANTIC = "python -c 'import pydantic'"
# The floor of any tool with a pydantic result: define one model, validate and dump it (the first model
# built pulls in the rest of pydantic: schema generation, plugins, annotated types).
ONE_MODEL = "python -c (one pydantic model defined, validated, dumped)"
ONE_MODEL_CODE = "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1).model_dump()\n"
AUDIT_SNIPPET = (
    "from transformers import AutoModelForCausalLM\n"
    "model = AutoModelForCausalLM.from_pretrained('mistralai/Mistral-7B-v0.1', load_in_8bit=True)\n"
)


def _entry() -> list[str]:
    """The console script next to the interpreter, else `python -m ecocompute.cli`."""
    script = Path(sys.executable).with_name("ecocompute")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecocompute.cli"]


def _bytecode_env(prefix: str) -> dict[str, str]:
    """The children's environment: bytecode cached under `prefix` (written by the first run of each command)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": prefix}


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system of the child), exit code and last stderr line of one run."""
    before = _children_cpu()
    start = perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    wall = perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    return wall, _children_cpu() - before, proc.returncode, lines[-1] if lines else ""


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (0 where `resource` is missing: not POSIX)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _loaded_modules(cli_args: list[str], env: dict[str, str]) -> tuple[list[str], str]:
    """Heavy packages in sys.modules after `main(cli_args)` in a fresh process, and where time went."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "import json, sys, contextlib, io\n"
        "from ecocompute.cli import main\n"
        "t1 = time.perf_counter()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({cli_args!r})\n"
        "t2 = time.perf_counter()\n"
        f"print(json.dumps([sorted(m for m in {HEAVY!r} if m in sys.modules), t1 - t0, t2 - t1]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    try:
        heavy, load, main = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return [f"(could not check: exit {proc.returncode})"], ""
    return heavy, f"import ecocompute.cli {load * 1000:.0f} ms, main() {main * 1000:.0f} ms (imports inside included)"


def _importtime_top(cli_args: list[str], env: dict[str, str], count: int = 6) -> list[str]:
    """The slowest top-level imports (cumulative µs) of one command, from `-X importtime`."""
    argv = [sys.executable, "-X", "importtime", "-m", "ecocompute.cli", *cli_args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    top = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].startswith(" ") and not parts[2].startswith("  "):
            try:
                top.append((int(parts[1]), parts[2].strip()))
            except ValueError:
                continue
    top.sort(reverse=True)
    return [f"{name} {us / 1000:.0f} ms" for us, name in top[:count]]


def _tool_commands() -> dict[str, list[str]]:
    """`ecocompute tool NAME --args EXAMPLE` for every registry tool (lookup_measurement first)."""
    from ecocompute.examples import EXAMPLES

    commands = {LOOKUP: _entry() + LOOKUP_ARGS}
    for name, arguments in EXAMPLES.items():
        if name != "lookup_measurement":
            commands[f"ecocompute tool {name}"] = _entry() + ["tool", name, "--args", json.dumps(arguments)]
    return commands


def _timed(commands: dict[str, list[str]], rounds: int, env: dict[str, str]) -> tuple[
        dict[str, list[float]], dict[str, list[float]], dict[str, tuple[int, str]]]:
    """Wall and CPU times of every command, one of each per round (round-robin) after one untimed run of each
    (it writes the bytecode), and each one's last status."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    status: dict[str, tuple[int, str]] = {}
    for name, argv in commands.items():
        _run(argv, env)
    for _ in range(rounds):
        for name, argv in commands.items():
            seconds, used, code, last = _run(argv, env)
            times[name].append(seconds)
            cpu[name].append(used)
            status[name] = (code, last)
    return times, cpu, status


def run(rounds: int = 15) -> tuple[list[Row], list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        snippet = os.path.join(tmp, "inference.py")
        Path(snippet).write_text(AUDIT_SNIPPET, encoding="utf-8")
        audit_args = ["audit", snippet, "--fail-on", "never"]
        tools = _tool_commands()
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            PYDANTIC: [sys.executable, "-c", "import pydantic"],
            "python -c 'from pydantic import BaseModel'": [sys.executable, "-c", "from pydantic import BaseModel"],
            ONE_MODEL: [sys.executable, "-c", ONE_MODEL_CODE],
            LOOKUP: tools.pop(LOOKUP),
            AUDIT: _entry() + audit_args,
            **tools,
        }
        env = _bytecode_env(os.path.join(tmp, "pycache"))
        times, cpu, status = _timed(commands, rounds, env)
        modules = {"tool": _loaded_modules(LOOKUP_ARGS, env), "audit": _loaded_modules(audit_args, env)}
        slowest = {"tool": _importtime_top(LOOKUP_ARGS, env), "audit": _importtime_top(audit_args, env)}
    med = {name: median(values) for name, values in times.items()}
    low = {name: min(values) for name, values in times.items()}
    base, pyd = med["python -c pass"], med[PYDANTIC]
    model = med["python -c 'from pydantic import BaseModel'"]

    def ms(name: str) -> str:
        return f"{med[name] * 1000:.0f} ms (min {low[name] * 1000:.0f})"

    rows = [Row("cold start: python -c pass", ms("python -c pass")),
            Row("cold start: import pydantic", ms(PYDANTIC),
                note=f"{pyd / base:.2f}x python -c pass; pydantic 2 imports lazily: BaseModel is not loaded"),
            Row("cold start: from pydantic import BaseModel", ms("python -c 'from pydantic import BaseModel'"),
                note=f"{model / pyd:.2f}x import pydantic; BaseModel imported, no model built"),
            Row("cold start: one pydantic model built", ms(ONE_MODEL),
                note=f"{med[ONE_MODEL] / pyd:.2f}x import pydantic; the floor of a process that builds one model "
                     "with pydantic's schema generation")]
    for name in (LOOKUP, AUDIT, *tools):
        code, last = status[name]
        note = (f"{med[name] / med[ONE_MODEL]:.2f}x one-model floor, {med[name] / base:.2f}x python -c pass; "
                f"min/min {low[name] / low[PYDANTIC]:.2f}x import pydantic; exit {code}")
        if name in (LOOKUP, AUDIT):
            key = "tool" if name == LOOKUP else "audit"
            note += f"; heavy modules loaded: {', '.join(modules[key][0]) or 'none'}"
        if code not in (0, 1):
            note += f"; stderr: {last}"
        rows.append(Row(f"cold start: {name}", ms(name), "<= 2x import pydantic", med[name] / pyd, 2.0, note))
    details = [
        "### CLI cold start",
        "",
        f"- median of {rounds} runs each, round-robin, entry point `{' '.join(_entry())}`; "
        f"load average before {_load()}; bytecode cached in a temporary PYTHONPYCACHEPREFIX by one untimed run "
        f"of each command (the caller's PYTHONDONTWRITEBYTECODE: {os.environ.get('PYTHONDONTWRITEBYTECODE') or 'unset'})",
        *[f"- {name}: median {med[name] * 1000:.0f} ms, min {low[name] * 1000:.0f} ms, "
          f"max {max(times[name]) * 1000:.0f} ms; CPU (user + system) median {median(cpu[name]) * 1000:.0f} ms "
          f"({median(cpu[name]) / median(cpu[PYDANTIC]):.2f}x import pydantic)" for name in commands],
        "- CPU time is what a busy machine disturbs least: waiting for a core counts in wall time only",
        f"- heavy packages checked in sys.modules after main(): {', '.join(HEAVY)}",
        f"  - tool lookup_measurement: {', '.join(modules['tool'][0]) or 'none'} ({modules['tool'][1]})",
        f"  - audit FILE: {', '.join(modules['audit'][0]) or 'none'} ({modules['audit'][1]})",
        f"- slowest top-level imports (-X importtime, cumulative): tool: {'; '.join(slowest['tool'])}",
        f"  audit: {'; '.join(slowest['audit'])}",
        "",
    ]
    return rows, details


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    step_rows, step_details = run(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
    print(table(step_rows))
    print("\n".join(step_details))
