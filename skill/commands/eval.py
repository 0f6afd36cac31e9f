"""`ecocompute eval`: run the scenarios against a model, grade them, report and compare to a baseline.

Exit codes: 0 all passed, 1 a scenario failed or regressed vs the baseline, 2 bad input (no scenario
files, invalid scenario, unreadable baseline), 3 the model could not be built (missing key, ...).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ecocompute.commands.ask import add_model_options

DEFAULT_SCENARIOS = "evals/scenarios/*.yaml"
DEFAULT_CASSETTES = "evals/cassettes"
SECRET_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID")
REPLAY_KEY = "replay-no-key"


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--scenarios", default=DEFAULT_SCENARIOS, metavar="GLOB",
                        help=f"Scenario files (default: {DEFAULT_SCENARIOS}).")
    add_model_options(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--record", action="store_true", help="Record one cassette per scenario (secrets scrubbed).")
    mode.add_argument("--replay", action="store_true", help="Replay cassettes; never touches the network.")
    parser.add_argument("--cassettes", default=DEFAULT_CASSETTES, metavar="DIR", help="Cassette root directory.")
    parser.add_argument("--cassette-name", default=None, metavar="PROVIDER/MODEL",
                        help="Cassette folder under the root (default: from -m and --base-url).")
    parser.add_argument("--baseline", type=Path, help="A previous --json report; exit 1 on any regression.")
    parser.add_argument("--json", type=Path, metavar="FILE", help="Write the JSON report.")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="Write a JUnit XML report.")
    parser.add_argument("--force", action="store_true", help="Replace existing --json / --junit files.")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="Scenarios in parallel (not with cassettes).")
    parser.add_argument("--without-skill", action="store_true", help="No system prompt and no tools (what the skill adds).")
    parser.add_argument("--judge", default=None, metavar="MODEL", help="Grade scenario rubrics with this model.")
    parser.set_defaults(run=run)


def _fail(message: str, code: int) -> int:
    from ecocompute.console import sanitize

    sys.stderr.write(f"ecocompute eval: {sanitize(message)}\n")
    return code


def cassette_label(model_id: str, base_url: str | None) -> str:
    """`provider/model`; an OpenAI-compatible server is named after its host, never as the vendor."""
    from urllib.parse import urlsplit

    provider, _, name = model_id.partition(":")
    if base_url:
        host = urlsplit(base_url).hostname or "server"
        provider = f"{provider}-compatible@{'loopback' if host in ('127.0.0.1', 'localhost', '::1') else host}"
    return f"{provider}/{name or 'default'}"


def run(args: argparse.Namespace) -> int:
    from ecocompute.evalkit import report as rep
    from ecocompute.evalkit.schema import ScenarioError, load
    from ecocompute.messages import ModelError

    if args.jobs < 1:
        return _fail("--jobs must be at least 1.", 2)
    try:
        scenarios = load(args.scenarios)
        baseline = rep.load_baseline(args.baseline) if args.baseline else None
    except ScenarioError as exc:
        return _fail(str(exc), 2)
    except (OSError, ValueError) as exc:
        return _fail(f"Cannot read the baseline {args.baseline} ({type(exc).__name__}).", 2)
    from ecocompute.files import WriteError, refuse_existing

    try:
        for path in (args.json, args.junit):
            if path is not None:
                refuse_existing(path, force=args.force)
                if not path.parent.is_dir():
                    raise WriteError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    except WriteError as exc:  # checked before the run, so no result is lost to a bad path
        return _fail(str(exc), 2)
    model_id = args.model or os.environ.get("ECOCOMPUTE_MODEL") or "offline"
    try:
        settings = _settings(args, model_id)
    except ModelError as exc:
        return _fail(exc.message, 3)
    except ValueError as exc:
        return _fail(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", 2)
    results = _run_with_progress(scenarios, settings, args.jobs, _partial_writer(args, model_id))
    report = rep.Report(model_id=model_id, with_skill=not args.without_skill, results=results)
    return _finish(report, args, baseline)


def _partial_writer(args: argparse.Namespace, model_id: str):
    """After each scenario, the JSON report so far (atomically): an interrupted run keeps its results."""
    import threading

    from ecocompute.evalkit import report as rep

    done, lock = [], threading.Lock()

    def write(result) -> None:
        with lock:  # --jobs runs scenarios in threads
            done.append(result)
            if args.json is not None:
                partial = rep.Report(model_id=model_id, with_skill=not args.without_skill, results=list(done))
                rep.write_json(partial, args.json)

    return write


def _settings(args: argparse.Namespace, model_id: str):
    from ecocompute.evalkit.cassettes import Scrubber, cassette_path
    from ecocompute.evalkit.judge import make_judge
    from ecocompute.evalkit.runner import CassettePlan, RunSettings
    from ecocompute.prompting import system_prompt
    from ecocompute.providers.base import make_model

    plan = None
    key = REPLAY_KEY if args.replay else None
    if args.record or args.replay:
        label = args.cassette_name or cassette_label(model_id, args.base_url)
        cassette_path(Path(args.cassettes), label, "check")  # ValueError: a name that leaves the folder
        secrets = [os.environ.get(name, "") for name in SECRET_ENV]
        plan = CassettePlan(mode="all" if args.record else "none", root=Path(args.cassettes), label=label,
                            model_id=model_id, scrubber=Scrubber(secrets))
    make_model(model_id, base_url=args.base_url, api_key=key)  # fail fast: missing key, unknown provider

    def make():
        return make_model(model_id, base_url=args.base_url, api_key=key, timeout=args.timeout,
                          max_retries=0 if args.replay else 1)

    judge = make_judge(make_model(args.judge)) if args.judge else None
    with_skill = not args.without_skill
    return RunSettings(make=make, with_skill=with_skill, system=system_prompt() if with_skill else "",
                       tools=_tools(with_skill), judge=judge, cassettes=plan)


def _tools(with_skill: bool):
    from ecocompute.registry import TOOLS

    return TOOLS if with_skill else ()


def _run_with_progress(scenarios, settings, jobs: int, on_result):
    """A progress bar on a terminal's stderr; elsewhere (CI logs) a line about every tenth of the run.

    `on_result` sees every result as it arrives (partial reports are written from it).
    """
    from rich.progress import Progress

    from ecocompute.console import make_console
    from ecocompute.evalkit.runner import run_all

    console = make_console(stderr=True)
    if not console.is_terminal:
        log = _log_lines(len(scenarios))

        def record(result) -> None:
            on_result(result)
            log(result)

        return run_all(scenarios, settings, jobs=jobs, progress=record)
    with Progress(transient=True, console=console) as progress:
        task = progress.add_task("eval", total=len(scenarios))

        def advance(result) -> None:
            on_result(result)
            progress.advance(task)

        return run_all(scenarios, settings, jobs=jobs, progress=advance)


def _log_lines(total: int):
    step = max(1, total // 10)
    done = 0

    def advance(_result) -> None:
        nonlocal done
        done += 1
        if done % step == 0 or done == total:
            sys.stderr.write(f"ecocompute eval: {done}/{total} scenarios run\n")
            sys.stderr.flush()
    return advance


def _finish(report, args: argparse.Namespace, baseline: dict[str, bool] | None) -> int:
    from ecocompute.evalkit import report as rep
    from ecocompute.files import WriteError

    from ecocompute.console import sanitize

    print(sanitize(rep.text_summary(report)))
    try:
        if args.json:
            rep.write_json(report, args.json)
        if args.junit:
            rep.write_junit(report, args.junit)
    except WriteError as exc:
        return _fail(str(exc), 2)
    regressed = rep.regressions(report, baseline) if baseline is not None else []
    if regressed:
        print(sanitize(f"\nREGRESSIONS vs {args.baseline}: {', '.join(regressed)}"))
    return 1 if report.failed or regressed else 0
