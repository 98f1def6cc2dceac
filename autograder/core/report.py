"""Reporting: results as text, in one place. The score table and failure messages people read
(terminal, pytest, notebooks) and the Gradescope ``results.json`` machines read are all made
here from :mod:`.results`, the data the grading produced."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .results import CheckResult, Failure

__all__ = ["failure_details", "failure_text", "format_points", "gradescope_results", "result_text", "score_table"]


def format_points(x: float) -> str:
    return f"{x:g}"


def failure_text(failure: Failure) -> str:
    """What went wrong, in which case of the check's table, what to do about it, then any
    details (a traceback, what the code printed): the first line alone already says what failed."""
    parts = [failure.message]
    if failure.case:
        parts.append(f"Case: {failure.case}")
    if failure.hint:
        parts.append(f"Hint: {failure.hint}")
    if failure.fix_first:
        parts.append(f"Fix first: {', '.join(failure.fix_first)} (failed above; this failure may follow from it).")
    if failure.details:
        parts.append(failure.details)
    return "\n".join(parts)


def result_text(result: CheckResult) -> str:
    """A check's verdict: its failure, or that it passed (and what it checks)."""
    if result.failure is not None:
        return failure_text(result.failure)
    return f"passed: {result.check.description}" if result.check.description else "passed"


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
            if r.failure is not None and r.failure.kind == "environment":
                status = "MISSING PACKAGE"
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
        body = textwrap.indent(result_text(r).rstrip(), "    ")
        blocks.append(f"{r.name} ({format_points(r.score)}/{format_points(r.max_score)})\n{body}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def gradescope_results(results: Sequence[CheckResult], execution_time: float) -> dict:
    """Gradescope's results.json: top-level score, one test per check named "<assignment>/<check>".
    Every test's ``extra_data`` holds its time (``seconds``, of which ``student_seconds`` in the
    student's code); a failed test's also its failure as data (kind, function, hint id, case,
    numbers), so that other tools can count mistakes without reading the messages."""
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
        "tests": [_gradescope_test(r) for r in results],
    }


def _gradescope_test(result: CheckResult) -> dict:
    test = {
        "name": result.name,
        "score": result.score,
        "max_score": result.max_score,
        "status": result.status,
        "output": result_text(result),
        "visibility": result.check.visibility,
    }
    # Every test says how long it took (the check, and of that the student's code), so that slow
    # checks show; a failed one also says why, as data.
    test["extra_data"] = {"seconds": round(result.seconds, 3), "student_seconds": round(result.student_seconds, 3),
                          **(result.failure.to_json() if result.failure is not None else {})}
    return test
