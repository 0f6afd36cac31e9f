"""The eval kit: scenarios (data) x graders (pure functions) -> verdicts, reports and cassettes.

`ecocompute eval` drives it; `pytest evals` runs it on the offline engine and replays cassettes.
"""
