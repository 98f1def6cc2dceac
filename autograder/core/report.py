"""Reporting: results as text, in one place. The score table and failure messages people read
(terminal, pytest, notebooks) and the Gradescope ``results.json`` machines read are all made
here from :mod:`.results`, the data the grading produced."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import replace

from .results import CheckResult, Failure, SubmissionRecord

__all__ = ["failure_details", "failure_text", "format_points", "gradescope_results", "layout_lines",
           "missing_assignments", "points_text", "points_word", "refer_to", "result_text", "score_table",
           "shown_results", "status_detail", "status_text", "submission_results"]


def format_points(x: float) -> str:
    return f"{x:g}"


def points_word(x: float) -> str:
    """"point" for one point, "points" for any other number (0.5 points, 0 points)."""
    return "point" if x == 1 else "points"


def points_text(x: float) -> str:
    """"1 pt", "2 pts", "0.5 pts"."""
    return f"{format_points(x)} {'pt' if x == 1 else 'pts'}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def refer_to(failure: Failure, first: str) -> Failure:
    """The failure of a module that does not import, met again by another check: a reference to
    ``first``, the check whose message shows it in full (its traceback is not repeated)."""
    head = failure.message.split(": ", 1)[0].rstrip(".")
    return replace(failure, message=f"{head} (see {first} above).", details="")


def shown_results(results: Sequence[CheckResult]) -> list[CheckResult]:
    """The results as they are shown: a module that does not import fails every check of its
    assignment the same way; the first such check shows why (its traceback), the others refer
    to it."""
    first: dict[tuple[str, str, str], str] = {}
    shown = []
    for r in results:
        failure = r.failure
        if failure is not None and failure.kind == "does_not_import":
            key = (r.check.assignment, failure.message, failure.details)
            if key in first:
                r = replace(r, failure=refer_to(failure, first[key]))
            else:
                first[key] = r.name
        shown.append(r)
    return shown


def missing_assignments(results: Sequence[CheckResult]) -> dict[str, list[CheckResult]]:
    """The assignments the submission holds no module of (every check failed with ``no_file``),
    with their results, in order."""
    assignments: dict[str, list[CheckResult]] = {}
    for r in results:
        assignments.setdefault(r.check.assignment, []).append(r)
    return {name: rows for name, rows in assignments.items()
            if all(r.failure is not None and r.failure.kind == "no_file" for r in rows)}


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
    """One row per check (points earned / possible and status), a subtotal per assignment, a total.
    An assignment the submission holds nothing of takes one row, which says so."""
    if not results:
        return (title + "\n" if title else "") + "(no checks)\n"
    width = max(len(r.check.name) + (9 if r.check.hidden else 0) for r in results) + 2
    width = max(width, 24)
    lines = [title] if title else []
    assignments: dict[str, list[CheckResult]] = {}
    for r in results:
        assignments.setdefault(r.check.assignment, []).append(r)
    missing = missing_assignments(results)
    for assignment, rows in assignments.items():
        if assignment in missing:
            possible = format_points(sum(r.max_score for r in rows))
            lines.append(f"{assignment:<{width + 2}} {'0/' + possible:>9}  {rows[0].failure.message}")
            continue
        lines.append(f"{assignment}")
        for r in rows:
            label = r.check.name + (" (hidden)" if r.check.hidden else "")
            points = f"{format_points(r.score)}/{format_points(r.max_score)}"
            status = ("passed" if r.passed else "GRADER ERROR" if r.internal_error
                      else "NOT RUN" if r.failure is not None and r.failure.kind == "not_run" else "FAILED")
            if r.failure is not None and r.failure.kind == "environment":
                status = "MISSING PACKAGE"
            lines.append(f"  {label:<{width}} {points:>9}  {status}")
        earned = sum(r.score for r in rows)
        possible = sum(r.max_score for r in rows)
        lines.append(f"  {'-' * (width + 19)}")
        lines.append(f"  {assignment + ' total':<{width}} {format_points(earned) + '/' + format_points(possible):>9}")
    earned = sum(r.score for r in results)
    possible = sum(r.max_score for r in results)
    total = f"{'Total':<{width + 2}} {format_points(earned) + '/' + format_points(possible):>9}"
    if missing and len(missing) < len(assignments):
        handed_in = [r for r in results if r.check.assignment not in missing]
        total += (f"  ({format_points(sum(r.score for r in handed_in))}/"
                  f"{format_points(sum(r.max_score for r in handed_in))} of what was handed in)")
    lines.append(total)
    return "\n".join(lines) + "\n"


def failure_details(results: Sequence[CheckResult]) -> str:
    """The message of every failed check, indented under its name. Assignments not handed in
    are left out (the score table names them, one row each); of a module that does not import,
    the first check shows why and one line stands for the others."""
    missing = missing_assignments(results)
    blocks = []
    shown = [r for r in shown_results(results) if r.check.assignment not in missing]
    index = 0
    while index < len(shown):
        r = shown[index]
        index += 1
        if r.passed:
            continue
        failure = r.failure
        if failure is not None and failure.kind == "does_not_import" and not failure.details:
            same = [r]  # the checks that refer to the same first one, together
            while (index < len(shown) and shown[index].failure is not None
                   and shown[index].failure.message == failure.message):
                same.append(shown[index])
                index += 1
            if len(same) > 1:
                possible = format_points(sum(s.max_score for s in same))
                blocks.append(f"{r.check.assignment}: {_plural(len(same), 'more check')} (0/{possible})\n"
                              f"    {failure.message}")
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
    summary = f"Score {format_points(score)}/{format_points(possible)} over {_plural(len(results), 'check')}."
    if internal:
        summary += f" The grader failed on {_plural(len(internal), 'check')}: {', '.join(internal)}."
    for assignment, rows in missing_assignments(results).items():
        summary += f"\n{assignment}: {rows[0].failure.message}"
    return {
        "score": score,
        "execution_time": round(execution_time, 3),
        "output": summary,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [_gradescope_test(r) for r in shown_results(results)],
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


# --- a submission's status (see results.STATUSES) ------------------------------------------------


def status_text(status: str) -> str:
    """A status as people read it: "graded", "missing", "does not import", "timed out" ..."""
    return status.replace("_", " ")


def _grouped(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(assignment(s), text) pairs, those whose texts differ only by the assignment's name in one
    ("svm, softmax: missing: expected <a>/<a>.py, ..."): a submission of one assignment graded
    for all of them has seven missing, said once."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, text in pairs:
        groups.setdefault(re.sub(rf"\b{re.escape(name)}\b", "<a>", text), []).append((name, text))
    return [(", ".join(name for name, _ in group), general if len(group) > 1 else group[0][1])
            for general, group in groups.items()]


def status_detail(record: SubmissionRecord) -> str:
    """What kept a submission from being graded in full, assignment by assignment
    ("knn: missing: expected ...; svm: does not import: ..."); empty when it was."""
    if record.error:
        return record.error
    pairs = [(s.assignment, f"{status_text(s.status)}" + (f": {s.detail}" if s.detail else ""))
             for s in record.assignment_statuses() if s.status != "graded"]
    parts = [f"{names}: {text}" for names, text in _grouped(pairs)]
    if record.internal_errors:
        parts.append(f"the grader failed on {', '.join(record.internal_errors)}")
    return "; ".join(parts)


def layout_lines(record: SubmissionRecord) -> list[str]:
    """Where each assignment's module was found when not as in ``assignments/``
    ("knn: graded my_submission/knn.py"), why none was ("warning: knn: missing: ..."; the same
    for several in one line), and other candidates that were not graded."""
    problems = [(e.assignment, f"{e.problem}: {e.detail}") for e in record.located if e.problem]
    lines = [f"warning: {names}: {text}" for names, text in _grouped(problems)]
    for entry in record.located:
        if not entry.problem and entry.path != f"{entry.assignment}/{entry.assignment}.py":
            lines.append(f"{entry.assignment}: graded {entry.path}")
        if entry.note:
            lines.append(f"{entry.assignment}: {entry.note}")
    return lines


def submission_results(record: SubmissionRecord) -> dict:
    """Gradescope's results.json of a submission (:func:`gradescope_results`) with its status:
    ``output`` says what kept it from being graded in full, and the top-level ``extra_data``
    holds the status as data: ``{"status": ..., "assignments": {name: {"status", "detail",
    "file"}}}`` (``file``: the module or notebook graded, relative to the submission)."""
    payload = gradescope_results(record.results, record.seconds)
    detail = status_detail(record)
    if detail:
        payload["output"] += f"\nNot graded in full ({status_text(record.status)}): {detail}"
    files = {entry.assignment: entry.path for entry in record.located}
    payload["extra_data"] = {
        "status": record.status,
        "assignments": {s.assignment: {"status": s.status, "detail": s.detail, "file": files.get(s.assignment, "")}
                        for s in record.assignment_statuses()},
    }
    return payload
