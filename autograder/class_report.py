"""What did the class get wrong: ``python -m autograder report RESULTS_DIR --out report.html``.

Reads every student's Gradescope ``results.json`` that ``grade-batch`` wrote (``<student>.json``
beside its ``<student>.meta.json``, or ``<student>/results.json`` folders, as a folder of
Gradescope's results gives them), computes the class's report as data (:func:`class_report`),
and writes it three ways: ``report.json`` (the data), ``report.csv`` (one row per check and
hint, for spreadsheets) and the page ``report.html`` (:func:`render_html`, drawn from the data
alone: self-contained, no script, its plots SVG images written here). Every string that comes
from a student's files (names, messages, hints as printed) is HTML-escaped on the page.

**The denominator.** A check's pass rate is over the students it judged: those whose module for
the check's assignment was found and imported. A student whose assignment is ``missing``,
``ambiguous``, ``does_not_import`` or ``crashed`` (on import), and a check the grader itself
failed on (``grader_error``, ``environment``), count in no pass rate: a missing file does not make
a check look broken. They are listed apart. A check that ran out of time, crashed, or was not run
in a module that imported counts as failed (that is a grade).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core.report import format_points, status_text

__all__ = ["CSV_COLUMNS", "DENOMINATOR", "NOT_IMPORTED", "ReportError", "StudentResults", "class_report",
           "message_shape", "read_results", "render_csv", "render_html", "write_report"]

FORMAT = 1  # report.json's format version

# An assignment's module in these states was not judged: its checks count in no pass rate.
NOT_IMPORTED = ("missing", "ambiguous", "does_not_import", "crashed")
# Failures that say a check was not judged (no module, no import, the grader's own failure).
UNJUDGED_KINDS = ("no_file", "does_not_import", "grader_error", "environment")
# Failures of a module that imported, but whose code did not finish: listed apart, not as mistakes.
APART_KINDS = ("timed_out", "crashed", "not_run", "grader_error", "environment")

DENOMINATOR = ("A check's pass rate is over the students it judged: those whose module for its assignment was found "
               "and imported. Students whose module is missing, ambiguous, does not import or crashed on import, "
               "and checks the grader itself failed on, count in no pass rate (they are listed apart). A check "
               "that ran out of time, crashed or was not run in a module that imported counts as failed. Scores "
               "(mean, median, histogram, full marks) are over the students who handed the assignment in (all "
               "but missing).")

HISTOGRAM_BINS = 10  # of the assignment's points: [0, 10%), [10%, 20%) ... [90%, 100%]
SHAPE_LENGTH = 300


class ReportError(Exception):
    """The results folder cannot be reported on (it names the path and says why)."""


@dataclass(frozen=True)
class StudentResults:
    """One student's results.json (``payload``), where it was read from, and its ``.meta.json``."""

    student: str
    path: Path
    payload: dict
    meta: dict | None = None


# --- reading -------------------------------------------------------------------------------------


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"{path}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise ReportError(f"{path} is not valid JSON: {error}") from None


def _check_results(path: Path, payload: Any) -> dict:
    """The payload when it is a results.json as Gradescope's (and the grader's) are; else why not."""
    def bad(why: str) -> ReportError:
        return ReportError(f"{path} is not a results.json: {why}")

    if not isinstance(payload, dict):
        raise bad(f"a JSON {type(payload).__name__}, not an object")
    tests = payload.get("tests")
    if not isinstance(tests, list):
        raise bad('no "tests" list')
    for number, test in enumerate(tests, 1):
        if not isinstance(test, dict):
            raise bad(f"test {number} is not an object")
        name = test.get("name")
        if not isinstance(name, str) or "/" not in name:
            raise bad(f'test {number} has no "name" of the form "<assignment>/<check>"')
        for key in ("score", "max_score"):
            value = test.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise bad(f'test {number} ({name}) has no number "{key}"')
        for key in ("output", "status"):
            if key in test and not isinstance(test[key], str):
                raise bad(f'test {number} ({name}): "{key}" is not a string')
        if "extra_data" in test and not isinstance(test["extra_data"], dict):
            raise bad(f'test {number} ({name}): "extra_data" is not an object')
    if "extra_data" in payload and not isinstance(payload["extra_data"], dict):
        raise bad('its "extra_data" is not an object')
    return payload


def read_results(folder: Path) -> tuple[list[StudentResults], list[str]]:
    """Every student's results in ``folder``, sorted by name, and what was skipped (sub-folders
    without a results.json). Raises :class:`ReportError` naming the path for a folder that does
    not exist or holds no results, and for a file that is not a results.json."""
    folder = Path(folder)
    if not folder.exists():
        raise ReportError(f"results folder {folder} does not exist")
    if not folder.is_dir():
        raise ReportError(f"results folder {folder} is not a folder")
    found: dict[str, StudentResults] = {}
    skipped = []

    def add(student: str, path: Path, meta: dict | None) -> None:
        if student in found:
            raise ReportError(f"{found[student].path} and {path} are both results of {student}: keep one")
        found[student] = StudentResults(student, path, _check_results(path, _load_json(path)), meta)

    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):  # grade-batch's lock and regrade record
            continue
        if entry.is_dir():
            if (entry / "results.json").is_file():
                add(entry.name, entry / "results.json", None)
            else:
                skipped.append(f"{entry}: a folder without results.json")
        elif entry.name.endswith(".meta.json"):
            if not entry.with_name(entry.name[: -len(".meta.json")] + ".json").is_file():
                raise ReportError(f"{entry} has no {entry.name[: -len('.meta.json')]}.json beside it")
        elif entry.suffix == ".json":
            meta_path = entry.with_name(entry.stem + ".meta.json")
            meta = _load_json(meta_path) if meta_path.is_file() else None
            if meta is not None and not isinstance(meta, dict):
                raise ReportError(f"{meta_path} is not a .meta.json: not a JSON object")
            add(entry.stem, entry, meta)
        else:
            skipped.append(f"{entry}: not a .json file")
    if not found:
        raise ReportError(f"results folder {folder} holds no results (<student>.json or <student>/results.json)")
    return [found[name] for name in sorted(found)], skipped


# --- the report as data --------------------------------------------------------------------------


def _split(name: str) -> tuple[str, str]:
    assignment, check = name.split("/", 1)
    return assignment, check


def _hint_text(output: str) -> str:
    for line in output.splitlines():
        if line.startswith("Hint: "):
            return line[len("Hint: "):].strip()
    return ""


def _first_line(output: str) -> str:
    return next((line.strip() for line in output.splitlines() if line.strip()), "")


_QUOTED = re.compile(r"""(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])|"[^"\n]*\"""")
_NUMBER = re.compile(r"(?<![\w#.])[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?(?!\w)|(?<![\w#])-?(?:nan|inf)\b")
_RANGE = re.compile(r"#(?:[-–]?#)+")
_SEQUENCE = re.compile(r"\[(?:[#,.\s]|\[#\])*\]|\((?:[#,.\s]|\(#\))*\)")


def message_shape(message: str) -> str:
    """A failure message's first line with what varies from student to student made the same:
    quoted values become '…', numbers and ranges of numbers #, arrays, indices and shapes of
    numbers [#] or (#), and a clause repeated (a list of the elements off, as long as it is) once."""
    shape = _QUOTED.sub("'…'", _first_line(message))
    shape = _RANGE.sub("#", _NUMBER.sub("#", shape))
    while True:  # innermost first: [[#, #], [#]] -> [[#], [#]] -> [#]
        collapsed = _SEQUENCE.sub(lambda m: "[#]" if m.group(0)[0] == "[" else "(#)", shape)
        if collapsed == shape:
            break
        shape = collapsed
    shape = _without_repeats(shape)
    return shape if len(shape) <= SHAPE_LENGTH else shape[: SHAPE_LENGTH - 1] + "…"


def _without_repeats(text: str) -> str:
    """"a: x[#] is #; x[#] is #; x[#] is #." -> "a: x[#] is #.": a list as long as it is, once."""
    end = "." if text.endswith(".") else ""
    kept: list[str] = []
    for clause in text[: len(text) - len(end)].split("; "):
        if not kept or clause != kept[-1].rsplit(": ", 1)[-1]:
            kept.append(clause)
    return "; ".join(kept) + end


def _statuses(item: StudentResults) -> tuple[str, dict[str, dict]]:
    """The student's status and per assignment status (``{name: {"status", "detail", ...}}``)."""
    extra = item.payload.get("extra_data") or {}
    status = extra.get("status") or (item.meta or {}).get("status") or "graded"
    assignments = extra.get("assignments") if isinstance(extra.get("assignments"), dict) else {}
    return str(status).replace(" ", "_"), {str(k): v for k, v in assignments.items() if isinstance(v, dict)}


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _histogram(fractions: Sequence[float]) -> list[dict]:
    counts = [0] * HISTOGRAM_BINS
    for fraction in fractions:
        counts[min(HISTOGRAM_BINS - 1, max(0, int(fraction * HISTOGRAM_BINS + 1e-9)))] += 1
    step = 100 // HISTOGRAM_BINS
    return [{"low": i * step, "high": (i + 1) * step, "count": n} for i, n in enumerate(counts)]


def class_report(students: Sequence[StudentResults], skipped: Sequence[str] = (), source: str = "") -> dict:
    """The class's report as data (what report.json holds; the page and the CSV are drawn from it)."""
    order: list[str] = []  # assignments in the order of the tests
    check_order: list[str] = []
    checks: dict[str, dict] = {}
    assignment_scores: dict[str, dict[str, tuple[float, float]]] = {}
    assignment_status: dict[str, dict[str, dict]] = {}
    hints: dict[str, dict] = {}
    shapes: dict[str, dict] = {}
    apart_checks: dict[tuple[str, str], list[str]] = {}
    not_graded = []

    for item in students:
        status, per_assignment = _statuses(item)
        if status == "not_graded":
            not_graded.append({"student": item.student, "detail": (item.meta or {}).get("detail", "")
                               or _first_line(item.payload.get("output", ""))})
        earned: dict[str, list[float]] = {}
        for test in item.payload["tests"]:
            name = test["name"]
            assignment, _ = _split(name)
            if assignment not in order:
                order.append(assignment)
            totals = earned.setdefault(assignment, [0.0, 0.0])
            totals[0] += float(test["score"])
            totals[1] += float(test["max_score"])
            check = checks.get(name)
            if check is None:
                check_order.append(name)
                check = checks[name] = {"name": name, "assignment": assignment, "points": float(test["max_score"]),
                                        "students": 0, "passed": 0, "failed": 0, "not_judged": 0, "hints": {},
                                        "unhinted": 0, "failed_by": [], "unhinted_by": []}
            extra = test.get("extra_data") or {}
            kind = extra.get("kind")
            module_status = per_assignment.get(assignment, {}).get("status", "graded")
            if module_status in NOT_IMPORTED or kind in UNJUDGED_KINDS:
                check["not_judged"] += 1
                if kind in APART_KINDS:
                    apart_checks.setdefault((name, kind), []).append(item.student)
                continue
            check["students"] += 1
            passed = test.get("status", "passed" if test["score"] >= test["max_score"] else "failed") == "passed"
            if passed:
                check["passed"] += 1
                continue
            check["failed"] += 1
            check["failed_by"].append(item.student)
            output = test.get("output", "")
            hint_id = extra.get("hint_id")
            if hint_id:
                hint_id = str(hint_id)
                check["hints"][hint_id] = check["hints"].get(hint_id, 0) + 1
                entry = hints.setdefault(hint_id, {"id": hint_id, "text": "", "checks": [], "count": 0,
                                                   "students": []})
                entry["text"] = entry["text"] or _hint_text(output)
                entry["count"] += 1
                if name not in entry["checks"]:
                    entry["checks"].append(name)
                if item.student not in entry["students"]:
                    entry["students"].append(item.student)
                continue
            if kind in APART_KINDS:
                apart_checks.setdefault((name, kind), []).append(item.student)
                continue
            check["unhinted"] += 1
            check["unhinted_by"].append(item.student)
            shape = message_shape(output)
            entry = shapes.setdefault(shape, {"shape": shape, "example": _first_line(output), "checks": [],
                                              "kinds": [], "count": 0, "students": []})
            entry["count"] += 1
            for key, value in (("checks", name), ("kinds", kind or "unknown"), ("students", item.student)):
                if value not in entry[key]:
                    entry[key].append(value)
        for assignment, (score, possible) in earned.items():
            assignment_scores.setdefault(assignment, {})[item.student] = (score, possible)
            assignment_status.setdefault(assignment, {})[item.student] = per_assignment.get(
                assignment, {"status": "graded", "detail": ""})

    for check in checks.values():
        check["pass_rate"] = _ratio(check["passed"], check["students"])
    return {
        "format": FORMAT,
        "source": source,
        "students": [item.student for item in students],
        "skipped": list(skipped),
        "denominator": DENOMINATOR,
        "assignments": [_assignment(name, assignment_scores[name], assignment_status[name]) for name in order],
        "checks": sorted((checks[name] for name in check_order),
                         key=lambda c: (c["pass_rate"] is None, c["pass_rate"] or 0.0)),
        "hints": sorted(hints.values(), key=lambda h: (-len(h["students"]), -h["count"], h["id"])),
        "unmatched": sorted(shapes.values(), key=lambda s: (-s["count"], s["shape"])),
        "apart": {
            "assignments": [{"student": student, "assignment": name, "status": entry.get("status", ""),
                             "detail": entry.get("detail", "")}
                            for name in order for student, entry in sorted(assignment_status[name].items())
                            if entry.get("status", "graded") != "graded"],
            "checks": [{"check": name, "kind": kind, "count": len(who), "students": who}
                       for (name, kind), who in sorted(apart_checks.items())],
            "not_graded": not_graded,
        },
        "nobody_fails": [name for name in check_order
                         if checks[name]["students"] and checks[name]["passed"] == checks[name]["students"]],
        "everybody_fails": [name for name in check_order if checks[name]["students"] and not checks[name]["passed"]],
    }


def _assignment(name: str, scores: Mapping[str, tuple[float, float]], statuses: Mapping[str, dict]) -> dict:
    handed_in = {s: v for s, v in scores.items() if statuses[s].get("status") != "missing"}
    points = [score for score, _ in handed_in.values()]
    max_score = max((possible for _, possible in scores.values()), default=0.0)
    full = [s for s, (score, possible) in handed_in.items() if possible and score >= possible]
    return {
        "name": name,
        "max_score": max_score,
        "students": len(scores),
        "handed_in": len(handed_in),
        "mean": statistics.fmean(points) if points else None,
        "median": statistics.median(points) if points else None,
        "full_marks": len(full),
        "full_marks_share": _ratio(len(full), len(handed_in)),
        "histogram": _histogram([score / possible if possible else 0.0 for score, possible in handed_in.values()]),
        "scores": {student: score for student, (score, _) in sorted(scores.items())},
    }


# --- the CSV -------------------------------------------------------------------------------------

CSV_COLUMNS = ("check", "assignment", "points", "students", "passed", "failed", "pass_rate", "hint_id",
               "hint_count", "hint_students")


def render_csv(report: Mapping[str, Any]) -> str:
    """One row per (check, hint) pair, and one row with the hint empty for the failures of a check
    that matched no hint (``hint_count`` of them, 0 for a check that nobody failed, its students in
    ``hint_students``), also for a check no failure of which carried a hint. ``students``: the
    students the check judged (see the denominator); ``pass_rate``: passed / students."""
    hint_students = {h["id"]: h["students"] for h in report["hints"]}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for check in report["checks"]:
        common = [check["name"], check["assignment"], format_points(check["points"]), check["students"],
                  check["passed"], check["failed"], "" if check["pass_rate"] is None else f"{check['pass_rate']:.4f}"]
        for hint_id, count in sorted(check["hints"].items(), key=lambda pair: (-pair[1], pair[0])):
            who = [s for s in check["failed_by"] if s in hint_students.get(hint_id, ())]
            writer.writerow([*common, hint_id, count, ";".join(who)])
        if check["unhinted"] or not check["hints"]:
            writer.writerow([*common, "", check["unhinted"], ";".join(check["unhinted_by"])])
    return buffer.getvalue()


# --- the page ------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float | None, digits: int = 6) -> str:
    """A number for a data- attribute: rounded, plain ("" when there is none)."""
    return "" if value is None else repr(round(float(value), digits))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _svg_image(svg: str, width: int, height: int, alt: str, **data: str) -> str:
    encoded = base64.b64encode(svg.encode()).decode("ascii")
    attributes = "".join(f' data-{key}="{_e(value)}"' for key, value in data.items())
    return (f'<img src="data:image/svg+xml;base64,{encoded}" width="{width}" height="{height}" '
            f'alt="{_e(alt)}"{attributes}>')


def histogram_svg(bins: Sequence[Mapping[str, int]], width: int = 420, height: int = 190) -> str:
    """Bars of the students per bin of the score (share of the points), labelled with their counts."""
    left, right, top, bottom = 34, 16, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    step = math.ceil((max((b["count"] for b in bins), default=0) or 1) / 4)  # whole students a grid line
    ticks = math.ceil((max((b["count"] for b in bins), default=0) or 1) / step)
    tallest = step * ticks
    bar = plot_w / max(1, len(bins))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for tick in range(ticks + 1):
        y = top + plot_h - plot_h * tick / ticks
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ea"/>')
        parts.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end" fill="#5a6270">{tick * step}</text>')
    for i, b in enumerate(bins):
        h = plot_h * b["count"] / tallest
        x = left + i * bar
        parts.append(f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" '
                     f'fill="#4a78b5" rx="2"/>')
        if b["count"]:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle" '
                         f'fill="#222">{int(b["count"])}</text>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="#5a6270">'
                     f'{int(b["low"])}</text>')
    parts.append(f'<text x="{left + plot_w:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                 'fill="#5a6270">100</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#5a6270">'
                 'score, % of the points</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#888"/>')
    parts.append("</svg>")
    return "".join(parts)


CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0;
       background: #f6f7f9; line-height: 1.45; font-size: 14px; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 28px 48px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d8dde3; }
h3 { font-size: 15px; margin: 0 0 6px; }
p.note { color: #59636e; margin: 4px 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; }
.card { background: #fff; border: 1px solid #d8dde3; border-radius: 8px; padding: 12px 14px; }
.stats { display: grid; grid-template-columns: max-content max-content; gap: 2px 14px; margin: 0 0 8px; }
.stats dt { color: #59636e; } .stats dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #d8dde3; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceff2; vertical-align: top; }
th { background: #eef1f4; font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
code { font-family: "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.bar { display: inline-block; width: 120px; height: 10px; background: #f3d5d5; border-radius: 3px;
       vertical-align: middle; overflow: hidden; }
.bar span { display: block; height: 100%; background: #2e8b57; }
.who { color: #59636e; font-size: 13px; }
td.people { min-width: 150px; }
.empty { color: #59636e; font-style: italic; }
ul.plain { margin: 4px 0; padding-left: 20px; }
"""


def _table(head: Sequence[tuple[str, str]], rows: Iterable[str], empty: str) -> str:
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{_e(empty)}</p>'
    cells = "".join(f'<th class="{cls}">{_e(label)}</th>' if cls else f"<th>{_e(label)}</th>" for label, cls in head)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _names(names: Sequence[str]) -> str:
    return f'<span class="who">{_e(", ".join(names))}</span>'


def _people(names: Sequence[str]) -> str:
    return f'<td class="people">{len(names)}: {_names(names)}</td>'


def _assignment_html(a: Mapping[str, Any]) -> str:
    name = a["name"]
    img = _svg_image(histogram_svg(a["histogram"]), 420, 190, f"{name}: histogram of the scores",
                     histogram=",".join(str(b["count"]) for b in a["histogram"]))
    mean = "–" if a["mean"] is None else format_points(round(a["mean"], 2))
    median = "–" if a["median"] is None else format_points(round(a["median"], 2))
    stats = (f'<dl class="stats"><dt>handed in</dt><dd data-field="handed-in">{a["handed_in"]} of {a["students"]}</dd>'
             f'<dt>mean</dt><dd data-field="mean">{_e(mean)} / {_e(format_points(a["max_score"]))}</dd>'
             f'<dt>median</dt><dd data-field="median">{_e(median)}</dd>'
             f'<dt>full marks</dt><dd data-field="full-marks">{a["full_marks"]} '
             f'({_percent(a["full_marks_share"])})</dd></dl>')
    return (f'<section class="card assignment" id="assignment-{_e(name)}" data-assignment="{_e(name)}" '
            f'data-students="{a["students"]}" data-handed-in="{a["handed_in"]}" data-mean="{_number(a["mean"])}" '
            f'data-median="{_number(a["median"])}" data-max-score="{_number(a["max_score"])}" '
            f'data-full-marks-share="{_number(a["full_marks_share"])}"><h3>{_e(name)}</h3>{stats}{img}</section>')


def _check_row(c: Mapping[str, Any]) -> str:
    rate = c["pass_rate"]
    bar = f'<span class="bar"><span style="width: {0 if rate is None else 100 * rate:.1f}%"></span></span>'
    hints = ", ".join(f"{hint_id} ×{count}" for hint_id, count in sorted(c["hints"].items()))
    return (f'<tr data-check="{_e(c["name"])}" data-pass-rate="{_number(rate)}" data-passed="{c["passed"]}" '
            f'data-students="{c["students"]}"><td><code>{_e(c["name"])}</code></td>'
            f'<td class="num">{_e(format_points(c["points"]))}</td>'
            f'<td class="num">{c["passed"]} of {c["students"]}</td><td class="num">{_percent(rate)}</td>'
            f'<td>{bar}</td><td class="who">{_e(hints)}</td></tr>')


def _hint_row(h: Mapping[str, Any]) -> str:
    checks = "<br>".join(f"<code>{_e(name)}</code>" for name in h["checks"])
    return (f'<tr data-hint="{_e(h["id"])}" data-count="{h["count"]}" data-student-count="{len(h["students"])}">'
            f'<td><code>{_e(h["id"])}</code></td><td>{_e(h["text"])}</td><td>{checks}</td>'
            f'<td class="num">{h["count"]}</td>{_people(h["students"])}</tr>')


def _shape_row(s: Mapping[str, Any]) -> str:
    checks = "<br>".join(f"<code>{_e(name)}</code>" for name in s["checks"])
    return (f'<tr data-shape="{_e(s["shape"])}" data-count="{s["count"]}" data-student-count="{len(s["students"])}">'
            f'<td><code>{_e(s["shape"])}</code><br><span class="who">e.g. {_e(s["example"])}</span></td>'
            f'<td>{checks}</td><td>{_e(", ".join(s["kinds"]))}</td><td class="num">{s["count"]}</td>'
            f'{_people(s["students"])}</tr>')


def _check_list(names: Sequence[str], key: str, empty: str) -> str:
    if not names:
        return f'<p class="empty" data-list="{key}">{_e(empty)}</p>'
    items = "".join(f'<li data-check="{_e(name)}"><code>{_e(name)}</code></li>' for name in names)
    return f'<ul class="plain" data-list="{key}">{items}</ul>'


def render_html(report: Mapping[str, Any]) -> str:
    """The report page, drawn from the report's data alone (:func:`class_report`'s dict)."""
    apart = report["apart"]
    sections = [
        f"<h1>What the class gets wrong</h1><p class=\"note\">{len(report['students'])} students"
        f"{' from ' + _e(report['source']) if report.get('source') else ''}. "
        f"<span data-field=\"denominator\">{_e(report['denominator'])}</span></p>",
    ]
    if report["skipped"]:
        sections.append('<p class="note">Skipped (not results): '
                        + _e("; ".join(report["skipped"])) + "</p>")
    sections.append("<h2>Scores</h2><div class=\"cards\">"
                    + "".join(_assignment_html(a) for a in report["assignments"]) + "</div>")
    sections.append("<h2>Every check, the most failed first</h2>"
                    + _table([("check", ""), ("points", "num"), ("passed", "num"), ("pass rate", "num"), ("", ""),
                              ("hints met", "")], (_check_row(c) for c in report["checks"]), "No checks."))
    sections.append("<h2>The class's mistakes, by hint</h2><p class=\"note\">Failures that matched a known "
                    "mistake: the advice students were given, the checks it showed in, how often and who.</p>"
                    + _table([("hint", ""), ("advice", ""), ("checks", ""), ("failures", "num"), ("students", "")],
                             (_hint_row(h) for h in report["hints"]), "No failure matched a hint."))
    sections.append("<h2>Failures no hint matched, by message</h2><p class=\"note\">The first line of the "
                    "message, numbers as #, arrays and indices as [#], quoted values as '…'.</p>"
                    + _table([("message", ""), ("checks", ""), ("kind", ""), ("failures", "num"), ("students", "")],
                             (_shape_row(s) for s in report["unmatched"]), "None."))
    apart_rows = [f'<tr data-student="{_e(r["student"])}" data-status="{_e(r["status"])}"><td>{_e(r["student"])}</td>'
                  f'<td>{_e(r["assignment"])}</td><td>{_e(status_text(r["status"]))}</td><td>{_e(r["detail"])}</td></tr>'
                  for r in apart["assignments"]]
    apart_rows += [f'<tr data-student="{_e(r["student"])}" data-status="not_graded"><td>{_e(r["student"])}</td>'
                   f'<td></td><td>not graded</td><td>{_e(r["detail"])}</td></tr>' for r in apart["not_graded"]]
    check_rows = [f'<tr data-check="{_e(r["check"])}" data-kind="{_e(r["kind"])}" data-count="{r["count"]}">'
                  f'<td><code>{_e(r["check"])}</code></td><td>{_e(status_text(r["kind"]))}</td>'
                  f'<td class="num">{r["count"]}</td><td>{_names(r["students"])}</td></tr>' for r in apart["checks"]]
    sections.append("<h2>Not judged, or did not finish</h2><p class=\"note\">Submissions whose module was not "
                    "graded in full (missing, ambiguous, did not import, crashed or timed out), and checks whose "
                    "code ran out of time, crashed, was not run, or the grader failed on.</p>"
                    + _table([("student", ""), ("assignment", ""), ("status", ""), ("detail", "")], apart_rows,
                             "Every submission was found, imported and graded.")
                    + "<p></p>"
                    + _table([("check", ""), ("kind", ""), ("failures", "num"), ("students", "")], check_rows,
                             "No check ran out of time or crashed."))
    sections.append("<h2>Checks nobody fails</h2><p class=\"note\">Candidates for a harder test.</p>"
                    + _check_list(report["nobody_fails"], "nobody-fails", "Every check was failed by someone."))
    sections.append("<h2>Checks everybody fails</h2><p class=\"note\">A broken check, or an unclear contract?</p>"
                    + _check_list(report["everybody_fails"], "everybody-fails", "Every check was passed by someone."))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Class report</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(sections)}</main></body></html>\n")


# --- writing -------------------------------------------------------------------------------------


def report_paths(out: Path) -> tuple[Path, Path, Path]:
    """The page, report.json and report.csv: the last two beside the page, with its stem."""
    out = Path(out)
    return out, out.with_name(out.stem + ".json"), out.with_name(out.stem + ".csv")


def write_report(results_dir: Path, out: Path) -> tuple[dict, list[Path]]:
    """Read the results, compute the report, write the page, report.json and report.csv."""
    results_dir, out = Path(results_dir), Path(out)
    page, data, table = report_paths(out)
    if out.suffix.lower() in (".json", ".csv"):
        raise ReportError(f"--out {out}: the page is HTML (report.json and report.csv are written beside it)")
    if results_dir.is_dir() and out.resolve().parent == results_dir.resolve():
        raise ReportError(f"--out {out} is inside the results folder {results_dir}: its report.json would be read "
                          "as a student's results next time; write it elsewhere")
    students, skipped = read_results(results_dir)
    report = class_report(students, skipped, source=str(results_dir))
    page.parent.mkdir(parents=True, exist_ok=True)
    for path, text in ((data, json.dumps(report, indent=2) + "\n"), (table, render_csv(report)),
                       (page, render_html(report))):
        path.write_text(text)
    return report, [page, data, table]
