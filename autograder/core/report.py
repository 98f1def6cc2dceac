"""Reporting: the score table people read and the Gradescope ``results.json`` machines read."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .runner import CheckResult

__all__ = ["format_points", "score_table", "failure_details", "gradescope_results"]


def format_points(x: float) -> str:
    return f"{x:g}"


def score_table(results: Sequence[CheckResult], title: str = "") -> str:
    """One row per check (points earned / possible and status), a subtotal per assignment, a total."""
    if not results:
        return (title + "\n" if title else "") + "(no checks)\n"
    width = max(len(r.check.name) + (9 if r.check.hidden else 0) for r in results) + 2
    width = max(width, 24)
    lines = [title] if title else []
    assignments: dict[str, list[CheckResult]] = {}
    for r in results:
        assignments.setdefault(r.check.assignment, []).append(r)
    for assignment, rows in assignments.items():
        lines.append(f"{assignment}")
        for r in rows:
            label = r.check.name + (" (hidden)" if r.check.hidden else "")
            points = f"{format_points(r.score)}/{format_points(r.max_score)}"
            status = "passed" if r.passed else ("GRADER ERROR" if r.internal_error else "FAILED")
            lines.append(f"  {label:<{width}} {points:>9}  {status}")
        earned = sum(r.score for r in rows)
        possible = sum(r.max_score for r in rows)
        lines.append(f"  {'-' * (width + 19)}")
        lines.append(f"  {assignment + ' total':<{width}} {format_points(earned) + '/' + format_points(possible):>9}")
    earned = sum(r.score for r in results)
    possible = sum(r.max_score for r in results)
    lines.append(f"{'Total':<{width + 2}} {format_points(earned) + '/' + format_points(possible):>9}")
    return "\n".join(lines) + "\n"


def failure_details(results: Sequence[CheckResult]) -> str:
    """The message of every failed check, indented under its name."""
    blocks = []
    for r in results:
        if r.passed:
            continue
        body = textwrap.indent(r.output.rstrip(), "    ")
        blocks.append(f"{r.name} ({format_points(r.score)}/{format_points(r.max_score)})\n{body}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def gradescope_results(results: Sequence[CheckResult], execution_time: float) -> dict:
    """Gradescope's results.json: top-level score, one test per check named "<assignment>/<check>"."""
    score = sum(r.score for r in results)
    possible = sum(r.max_score for r in results)
    internal = [r.name for r in results if r.internal_error]
    summary = f"Score {format_points(score)}/{format_points(possible)} over {len(results)} checks."
    if internal:
        summary += f" The grader failed on {len(internal)} check(s): {', '.join(internal)}."
    return {
        "score": score,
        "execution_time": round(execution_time, 3),
        "output": summary,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": r.name,
                "score": r.score,
                "max_score": r.max_score,
                "status": r.status,
                "output": r.output,
                "visibility": r.check.visibility,
            }
            for r in results
        ],
    }
