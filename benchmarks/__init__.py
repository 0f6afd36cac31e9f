"""EcoCompute benchmarks: `python -m benchmarks` measures every budget side by side in one run.

Each module measures one budget and returns `Row`s (figure, target, ratio); `__main__` prints the
table and regenerates `benchmarks/RESULTS.md` with the machine and package versions.
"""
