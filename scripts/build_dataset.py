"""Build references/data/*.csv from the curated sources in ../shared/data (run from the repo root).

    python scripts/build_dataset.py [--shared ../shared/data]

Adds a stable `row_id` (M<line> for measurements.csv, S<line> for serving_measurements.csv, where
<line> is the source CSV line so that NOTES.md tables can be followed), an `experiment` id, and the
`role` / `energy_basis` tokens split out of the notes. Values are copied as written; nothing is
recomputed here (the loader checks the energy identity).
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "references" / "data"

# source file basename -> experiment id; (basename, gpu) overrides first.
EXPERIMENTS: dict[tuple[str, str | None], str] = {
    ("rtx5090_benchmark_results.csv", None): "rtx5090-2026-01",
    ("COMPLETE_DATASET_MEMO.md", "rtx5090"): "rtx5090-2026-01",
    ("COMPLETE_DATASET_MEMO.md", "rtx4090d"): "rtx4090d-2026-02",
    ("pure_int8_metadata.json", None): "rtx4090d-2026-02",
    ("paradox_data.md", None): "doc-paradox-data",
    ("SKILL.md", None): "doc-skill-claim",
    ("MASTER_MEMO_PAPER_PROJECT.md", None): "doc-master-memo",
    ("03_aggregate.py", None): "mlcube-anchors",
    ("entrypoint.py", None): "mlcube-anchors",
    ("a800_metadata.json", None): "a800-2026-02-13",
    ("a800_mistral7b_pure_int8_batch_size_summary_20260215_131345.csv", None): "a800-int8-batch-sweep-2026-02-15",
    ("batch_size_guide.md", None): "doc-batch-size-guide",
    ("BatchSizeAnalysis.tsx", None): "doc-batch-dashboard",
    ("a800_summary.csv", None): "a800-2026-02-26",
    ("t4_benchmark_results.csv", None): "t4-csv",
    ("TESLA_T4_EXPERIMENTS.md", "t4"): "t4-2026-04-17",
    ("TESLA_T4_EXPERIMENTS.md", "rtx5090"): "doc-t4-crossarch",
    ("constants.ts", None): "doc-constants-ts",
}

COLUMNS = [
    "row_id", "experiment", "role", "energy_basis", "engine", "engine_version", "dataset",
    "gpu", "gpu_name", "model", "hf_id", "params_b", "activated_params_b", "precision",
    "batch_size", "achieved_batch", "num_gpus", "tensor_parallel", "expert_parallel", "data_parallel",
    "architecture", "repeat_index", "repeat_total", "max_new_tokens",
    "throughput_tok_s", "throughput_std", "power_w", "power_std", "energy_j_per_1k_tok",
    "energy_std", "energy_j_per_request", "median_itl_ms", "p99_itl_ms", "gpu_util_pct",
    "peak_vram_gb", "n_runs", "cv_pct", "perplexity_wikitext2", "source_repo", "source_path", "source_commit",
    "source_section", "notes",
]


def _token(notes: str, key: str) -> str:
    match = re.search(rf"{key}=([\w_]+)", notes)
    if not match:
        raise SystemExit(f"row without {key}= in notes: {notes[:80]}")
    return match.group(1)


def _perplexity(notes: str) -> str:
    match = re.search(r"WikiText-2 perplexity ([\d.]+)", notes)
    return match.group(1) if match else ""


def _experiment(row: dict[str, str]) -> str:
    base = row["source_path"].rsplit("/", 1)[-1]
    if base.startswith("QUANTIZATION_ENERGY_COMPLETE_DATASET_2026-03-06"):
        return "rtx4090d-2026-03-06" if row["source_section"].startswith("1.") else "rtx4090d-2026-03-06-s2"
    for key in ((base, row["gpu"]), (base, None)):
        if key in EXPERIMENTS:
            return EXPERIMENTS[key]
    raise SystemExit(f"no experiment id for source {base} ({row['gpu']})")


def _transformers(src: Path) -> list[dict[str, str]]:
    out = []
    for line, row in enumerate(csv.DictReader(src.open(encoding="utf-8")), start=2):
        out.append({
            **{c: "" for c in COLUMNS}, **{k: v for k, v in row.items() if k in COLUMNS},
            "row_id": f"M{line:03d}", "experiment": _experiment(row),
            "role": _token(row["notes"], "role"), "energy_basis": _token(row["notes"], "energy_basis"),
            "dataset": "EcoCompute (transformers eager)",
            "perplexity_wikitext2": _perplexity(row["notes"]),
        })
    return out


def _serving(src: Path) -> list[dict[str, str]]:
    out = []
    for line, row in enumerate(csv.DictReader(src.open(encoding="utf-8")), start=2):
        version = "v3" if "v3" in row["dataset"] else "v2"
        out.append({
            **{c: "" for c in COLUMNS}, **{k: v for k, v in row.items() if k in COLUMNS},
            "row_id": f"S{line:03d}", "experiment": f"mlenergy-{version}-{row['gpu']}",
            "role": _token(row["notes"], "role"), "energy_basis": _token(row["notes"], "energy_basis"),
            "batch_size": row["max_num_seqs"], "achieved_batch": row["avg_batch_size"],
            "max_new_tokens": row["avg_output_tokens"], "power_w": row["power_w_all_gpus"],
            **_serving_configuration(row["notes"], row["tensor_parallel"], row["num_gpus"]),
        })
    return out


def _serving_configuration(notes: str, tensor_parallel: str, num_gpus: str) -> dict[str, str]:
    """Parallelism, architecture and repeat index from a serving row's notes.

    `parallel=tp<T>,ep<E>,dp<D>` must agree with the tensor_parallel column, and TP x DP (x EP folded into
    TP x DP in vLLM) must use every GPU of the run; `repeat=<i> of <n>` marks reruns of one configuration.
    Rows without a `parallel=` token keep only their tensor_parallel column (EP and DP not recorded).
    """
    out = {"expert_parallel": "", "data_parallel": "", "architecture": "", "repeat_index": "", "repeat_total": ""}
    if match := re.search(r"\bparallel=tp(\d+),ep(\d+),dp(\d+)", notes):
        tp, ep, dp = match.groups()
        if tp != tensor_parallel:
            raise SystemExit(f"parallel=tp{tp} disagrees with tensor_parallel={tensor_parallel}: {notes[:80]}")
        if int(tp) * int(dp) != int(num_gpus) and int(ep) != int(num_gpus):
            raise SystemExit(f"parallel=tp{tp},ep{ep},dp{dp} does not cover {num_gpus} GPUs: {notes[:80]}")
        out.update(expert_parallel=ep, data_parallel=dp)
    if match := re.search(r"\barchitecture=([\w-]+)", notes):
        out["architecture"] = match.group(1)
    if match := re.search(r"\brepeat=(\d+) of (\d+)", notes):
        out.update(repeat_index=match.group(1), repeat_total=match.group(2))
    return out


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _copy_grid(shared: Path) -> None:
    """Grid intensity by country (plus World) and by cloud region, copied as curated (NOTES.md section 6)."""
    for name in ("grid_by_country.csv", "cloud_regions.csv"):
        shutil.copyfile(shared / name, OUT / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    shared = parser.parse_args().shared
    _write(OUT / "measurements.csv", _transformers(shared / "measurements.csv"))
    _write(OUT / "serving_measurements.csv", _serving(shared / "serving_measurements.csv"))
    for name in ("gpus.csv", "grid_and_prices.csv", "inconsistencies.csv", "fitted_curves.csv"):
        shutil.copyfile(shared / name, OUT / name)
    _copy_grid(shared)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
