"""One table for every benchmark figure: `var/bench/summary.json` and the same table printed.

Each benchmark module calls `figure_record(...)` for every ratio it measures; records merge
into the file by name, so the modules `make bench` runs one after another build one summary
(and a module run alone refreshes only its own lines). `python -m tests.bench.summary` prints
the table; `make bench` runs it last.

    {"<name>": {"ours": x, "floor": y, "ratio": r, "goal": g, "better": "lower"|"higher",
                "unit": "...", "note": "..."}}

`ours` and `floor` are in `unit`; the ratio is ours ÷ floor. A goal is met when the ratio is
on the `better` side of it. Nothing here fails on a figure: benchmarks report, tests assert.
"""

import json
import os
from pathlib import Path

SUMMARY_PATH = Path(os.environ.get("BENCH_SUMMARY", "var/bench/summary.json"))


def _load() -> dict:
    try:
        return json.loads(SUMMARY_PATH.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def figure_record(
    name: str,
    *,
    ours: float,
    floor: float,
    goal: float | None,
    better: str,
    unit: str,
    note: str = "",
) -> dict:
    """Merge one figure into the summary file and return it."""
    if better not in ("lower", "higher"):
        raise ValueError(f"better must be 'lower' or 'higher', not {better!r}")
    figure = {
        "ours": round(ours, 6),
        "floor": round(floor, 6),
        "ratio": round(ours / floor, 4) if floor else None,
        "goal": goal,
        "better": better,
        "unit": unit,
    }
    if note:
        figure["note"] = note
    summary = _load()
    summary[name] = figure
    SUMMARY_PATH.parent.mkdir(parents=True, exist_ok=True)
    temporary = SUMMARY_PATH.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True))
    temporary.replace(SUMMARY_PATH)
    return figure


def goal_met(figure: dict) -> bool | None:
    if figure.get("goal") is None or figure.get("ratio") is None:
        return None
    if figure["better"] == "lower":
        return figure["ratio"] <= figure["goal"]
    return figure["ratio"] >= figure["goal"]


def summary_table(summary: dict | None = None) -> str:
    summary = _load() if summary is None else summary
    width = max([len(name) for name in summary] + [10])
    lines = [
        f"{'figure':<{width}}  {'ours':>12}  {'floor':>12}  {'ratio':>8}  {'goal':>10}  unit",
    ]
    for name in sorted(summary):
        figure = summary[name]
        met = goal_met(figure)
        goal = (
            "" if figure.get("goal") is None else f"{'≤' if figure['better'] == 'lower' else '≥'}"
        )
        goal += "" if figure.get("goal") is None else f"{figure['goal']:g}"
        verdict = {True: "ok", False: "MISSED", None: ""}[met]
        ratio = "" if figure.get("ratio") is None else f"{figure['ratio']:.3f}"
        lines.append(
            f"{name:<{width}}  {figure['ours']:>12,.3f}  {figure['floor']:>12,.3f}  "
            f"{ratio:>8}  {goal:>10}  {figure['unit']}  {verdict}"
        )
    return "\n".join(lines)


def main() -> None:
    summary = _load()
    if not summary:
        raise SystemExit(f"No figures in {SUMMARY_PATH}: run `make bench` first.")
    print(f"\nSummary ({SUMMARY_PATH}):")
    print(summary_table(summary))


if __name__ == "__main__":
    main()
