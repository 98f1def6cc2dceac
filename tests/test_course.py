"""The nbgrader course: notebooks generated from the single source, executed for real, and the
whole nbgrader round trip (generate_assignment, autograde, generate_feedback) run for real."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SOLUTIONS, run_cli

from autograder.course import build_notebook, fill_notebook, notebook_json, write_course
from autograder.release import solution_lines, write_bundle
from autograder.submission import notebook_module
from autograder.suites import ASSIGNMENTS, load_suite

BIN = str(Path(sys.executable).parent)
ENV = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}  # nbgrader runs `alembic` by name


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([os.path.join(BIN, "nbgrader"), *args], cwd=course, env=ENV, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "[ERROR]" not in proc.stderr and "| ERROR]" not in proc.stderr, proc.stderr[-3000:]
    return proc


def source_text(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def execute(notebook: dict, cwd: Path, extra_path: Path | None = None) -> dict:
    import nbformat
    from nbclient import NotebookClient

    node = nbformat.reads(json.dumps(notebook), as_version=4)
    env = dict(ENV, MPLBACKEND="module://matplotlib_inline.backend_inline")
    client = NotebookClient(node, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)
    return json.loads(nbformat.writes(node))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_has_a_solution_and_a_test_cell_per_function(assignment):
    notebook = build_notebook(assignment)
    suite = load_suite(assignment)
    solutions = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    tests = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in solutions] == list(suite.functions)
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in tests] == [f"test_{f}" for f in suite.functions]
    for cell in solutions:
        text = source_text(cell)
        assert text.count("### BEGIN SOLUTION") == text.count("### END SOLUTION") >= 1
        assert '"""' in text  # the contract's docstring
    for cell in tests:
        meta = cell["metadata"]["nbgrader"]
        assert meta["locked"] and meta["points"] > 0
        text = source_text(cell)  # the same in the release: no hidden tests, whose removal changes its checksum
        assert "checks.run()" in text and "HIDDEN" not in text and "checks.hidden()" not in text
        assert text.rstrip().endswith("checks.points")
    assert sum(c["metadata"]["nbgrader"]["points"] for c in tests) == sum(c.points for c in suite.checks())
    assert notebook_json(build_notebook(assignment)) == notebook_json(notebook)  # deterministic
    plots = [c for c in notebook["cells"] if c["cell_type"] == "code" and "plt.show()" in source_text(c)]
    assert plots, "the notebook should end with an experiment and a plot"


def test_notebook_module_takes_setup_and_solution_cells_only():
    notebook = {"cells": [
        {"cell_type": "code", "metadata": {"autograder": {"role": "setup"}},
         "source": "import numpy as np\n%matplotlib inline"},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True}},
         "source": ["def f(x):\n", "    return x\n"]},
        {"cell_type": "code", "metadata": {"nbgrader": {"grade": True}}, "source": "assert f(1) == 1"},
        {"cell_type": "code", "metadata": {}, "source": "print(f(2))"},
        {"cell_type": "markdown", "metadata": {}, "source": "text"},
    ]}
    module = notebook_module(notebook)
    assert "import numpy as np" in module and "def f(x):" in module
    assert "%matplotlib" not in module and "assert f(1)" not in module and "print(f(2))" not in module
    compile(module, "extracted", "exec")


def assert_ran_with_full_marks(executed: dict, assignment: str) -> None:
    """A notebook holding the reference's code, executed: no error in any cell (the experiment
    included), its plot, full marks in every test cell with nothing on stderr (nbgrader scores
    that 0), and the hidden checks run where they are installed and not mentioned where a
    function has none."""
    suite = load_suite(assignment)
    images = 0
    for cell in executed["cells"]:
        if cell["cell_type"] != "code":
            continue
        outputs = cell["outputs"]
        assert not [o for o in outputs if o["output_type"] == "error"], (assignment, source_text(cell)[:80], outputs)
        images += sum("image/png" in o.get("data", {}) for o in outputs)
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade"):
            assert not [o for o in outputs if o.get("name") == "stderr"], outputs  # stderr scores 0 in nbgrader
            results = [o for o in outputs if o["output_type"] == "execute_result"]
            assert float("".join(results[0]["data"]["text/plain"])) == meta["points"]
            function = meta["grade_id"].removeprefix("test_")
            has_hidden = any(c.hidden for c in suite.checks() if c.function == function)
            said = "".join("".join(o.get("text", "")) for o in outputs)
            assert (f"{function}, hidden checks: " in said) == has_hidden, said
            assert meta["points"] == sum(c.points for c in suite.checks() if c.function == function)
    assert images >= 1, f"{assignment}: the experiment ends in a plot"


def test_nbgrader_round_trip(tmp_path):
    """Release, autograde, export and feedback of every assignment, in a course folder that was
    moved after its release (nbgrader_config.py names no absolute path), without nbgrader's
    warnings: autograde does not say that test cells changed (they are the same in the source
    and the release), feedback nothing of display_data_priority; the test cells' messages name
    cells as IPython does (Cell In[5]), not by IPython's file names (2626228522.py)."""
    first = tmp_path / "first"
    write_course(first, list(ASSIGNMENTS), timeout=300)
    assert str(tmp_path) not in (first / "nbgrader_config.py").read_text()
    for assignment in ASSIGNMENTS:  # nbgrader takes one assignment id at a time
        nbgrader(first, "generate_assignment", assignment, "--force")
    course = tmp_path / "moved" / "course"
    course.parent.mkdir()
    shutil.move(first, course)

    # Nothing of the reference and nothing of the hidden checks reaches the release folder.
    released = {p: p.read_text(errors="replace") for p in (course / "release").rglob("*") if p.is_file()}
    assert released
    lines = {}
    for path, text in released.items():
        for line in (json.loads(text) if path.suffix == ".ipynb" else {"cells": []})["cells"]:
            for row in source_text(line).splitlines():
                lines.setdefault(row.strip(), path)
        for row in text.splitlines():
            lines.setdefault(row.strip(), path)
    for assignment in ASSIGNMENTS:
        for line in solution_lines((SOLUTIONS / assignment / f"{assignment}.py").read_text()):
            assert line not in lines, f"solution line {line!r} in {lines[line]}"
    assert not [p for p, t in released.items() if "HIDDEN TESTS" in t or "checks.hidden()" in t]

    # Three students hand in the release: untouched, the reference's code, a partly wrong one.
    handed_in = {"stub": None, "ref": SOLUTIONS / "knn" / "knn.py",
                 "partly": ROOT / "examples" / "partly_wrong" / "knn" / "knn.py"}
    release = json.loads((course / "release" / "knn" / "knn.ipynb").read_text())
    for student, module in handed_in.items():
        folder = course / "submitted" / student / "knn"
        folder.mkdir(parents=True)
        notebook = release if module is None else fill_notebook(release, module.read_text())
        (folder / "knn.ipynb").write_text(json.dumps(notebook))
        (folder / "timestamp.txt").write_text("2026-11-27 12:00:00.000000 UTC")
    autograde = nbgrader(course, "autograde", "knn", "--create")
    assert "has changed" not in autograde.stderr, autograde.stderr[-3000:]
    nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))
    with open(tmp_path / "grades.csv") as f:
        nbgrader_scores = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)
                           if row["assignment"] == "knn"}

    # The same code as a .py file gets these scores from our grader (test_grading, the bank).
    py_scores = {"stub": 0.0, "ref": 31.0, "partly": 19.0}
    assert nbgrader_scores == py_scores

    # Our grader also grades the submitted notebooks directly (no Jupyter), with the same scores.
    proc = run_cli("grade-batch", str(course / "submitted"), "--out", str(tmp_path / "ours.csv"), "--jobs", "2",
                   "--assignment", "knn")
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "ours.csv") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["student"] == "(maximum)" and rows[0]["knn"] == "31"  # the points possible, then the students
    assert {r["student"]: float(r["knn"]) for r in rows[1:]} == py_scores
    proc = run_cli("grade", str(course / "submitted" / "partly"), "--assignment", "knn")
    assert proc.returncode == 0 and "Total" in proc.stdout and "19/31" in proc.stdout
    raising = tmp_path / "raising" / "knn"  # a traceback names the notebook, not a temporary copy
    raising.mkdir(parents=True)
    broken = ((SOLUTIONS / "knn" / "knn.py").read_text()
              + "\n\ndef cross_validate_k(X, y, k_choices, num_folds=5):\n    raise ValueError('boom')\n")
    (raising / "knn.ipynb").write_text(json.dumps(fill_notebook(release, broken)))
    proc = run_cli("grade", str(raising.parent), "--assignment", "knn")
    cell = next(n for n, c in enumerate(release["cells"], start=1) if c["metadata"].get("nbgrader", {}).get(
        "grade_id") == "cross_validate_k")
    frame = f'File "{raising / "knn.ipynb"}", cell {cell}, line 2, in cross_validate_k'
    assert frame in proc.stdout, proc.stdout[-1500:]
    assert "autograder-submission-" not in proc.stdout
    proc = run_cli("grade", str(course / "submitted"), "--quiet", "--assignment", "knn")  # student by student
    assert proc.returncode == 0, proc.stderr
    summary = proc.stdout.split("Summary", 1)[1].split()
    assert summary == ["partly", "19/31", "ref", "31/31", "stub", "0/31"]
    flat = tmp_path / "flat"  # a folder holding just the notebook
    flat.mkdir()
    shutil.copyfile(course / "submitted" / "ref" / "knn" / "knn.ipynb", flat / "knn.ipynb")
    proc = run_cli("grade", str(flat), "--assignment", "knn", "--json", str(tmp_path / "flat.json"))
    assert json.loads((tmp_path / "flat.json").read_text())["score"] == 31

    # Every other assignment: nbgrader gives the reference's code full marks and the release 0.
    for assignment in [a for a in ASSIGNMENTS if a != "knn"]:
        release = json.loads((course / "release" / assignment / f"{assignment}.ipynb").read_text())
        for student in ("ref", "stub"):
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            source = (SOLUTIONS / assignment / f"{assignment}.py").read_text()
            notebook = fill_notebook(release, source) if student == "ref" else release
            (folder / f"{assignment}.ipynb").write_text(json.dumps(notebook))
            (folder / "timestamp.txt").write_text("2026-11-27 12:00:00.000000 UTC")
        nbgrader(course, "autograde", assignment, "--create")
    nbgrader(course, "export", "--to", str(tmp_path / "all.csv"))
    with open(tmp_path / "all.csv") as f:
        rows = [r for r in csv.DictReader(f) if r["assignment"] != "knn" and r["student_id"] in ("ref", "stub")]
    full = {a: sum(c.points for c in load_suite(a).checks()) for a in ASSIGNMENTS}
    assert {(r["assignment"], r["student_id"]): float(r["raw_score"]) for r in rows} == {
        **{(a, "ref"): full[a] for a in ASSIGNMENTS if a != "knn"},
        **{(a, "stub"): 0.0 for a in ASSIGNMENTS if a != "knn"}}

    # The reference's notebooks ran top to bottom under nbgrader (hidden checks inserted): every
    # cell without error, the plots, full marks cell by cell. (The source notebooks are not run
    # again on their own: the same cells, and each run of a notebook costs up to half a minute.)
    for assignment in ASSIGNMENTS:
        executed = json.loads((course / "autograded" / "ref" / assignment / f"{assignment}.ipynb").read_text())
        assert_ran_with_full_marks(executed, assignment)

    # Feedback shows results, never the hidden checks' code; nbgrader warns of nothing.
    feedback = nbgrader(course, "generate_feedback", "knn")
    warnings = [line for line in feedback.stderr.splitlines()  # a plot without alt text is the student's own
                if "WARNING" in line and "Alternative text is missing" not in line]
    assert "display_data_priority" not in feedback.stderr and not warnings, feedback.stderr[-3000:]
    graded = json.loads((course / "autograded" / "stub" / "knn" / "knn.ipynb").read_text())
    reports = "".join("".join(o.get("text", "")) for c in graded["cells"] if c["cell_type"] == "code"
                      and c["metadata"].get("nbgrader", {}).get("grade") for o in c["outputs"])
    assert "NotImplementedError at Cell In[" in reports, reports[-2000:]
    assert not re.search(r"\d+\.py\b", reports) and "ipykernel" not in reports, reports[-2000:]
    for student in handed_in:
        html = (course / "feedback" / student / "knn" / "knn.html").read_text()
        assert "HIDDEN TESTS" not in html and "hidden</span>" not in html and "checks.hidden" not in html
        assert "compute_distances, checks:" in html  # the public report is there


def test_release_notebook_runs_for_a_student_with_the_bundle_only(tmp_path):
    """A student's environment has the bundle's autograder (public checks only): the release
    notebook's test cells run, find nothing implemented, and score 0 without errors."""
    course = tmp_path / "course"
    write_course(course, ["knn"])
    nbgrader(course, "generate_assignment", "knn", "--force")
    bundle = tmp_path / "student"
    write_bundle(bundle, ["knn"])
    release = json.loads((course / "release" / "knn" / "knn.ipynb").read_text())
    release["cells"] = [c for c in release["cells"] if "plt." not in source_text(c)]  # the experiment needs work done
    executed = execute(release, bundle)
    for cell in executed["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            outputs = cell["outputs"]
            assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"], outputs
            text = "".join("".join(o.get("text", "")) for o in outputs)
            assert "is not implemented yet" in text and "hidden" not in text
            values = [o for o in outputs if o["output_type"] == "execute_result"]
            assert [float("".join(o["data"]["text/plain"])) for o in values] == [0.0]


def test_the_course_command_writes_a_course_that_can_be_moved(tmp_path):
    """`nbgrader-course` writes nbgrader_config.py without an absolute path: the folder, moved,
    releases from where it is now (the round trip above autogrades a moved course)."""
    first = tmp_path / "first"
    proc = run_cli("nbgrader-course", str(first), "--assignment", "knn")
    assert proc.returncode == 0, proc.stderr
    assert str(tmp_path) not in (first / "nbgrader_config.py").read_text()
    course = tmp_path / "moved" / "course"
    course.parent.mkdir()
    shutil.move(first, course)
    nbgrader(course, "generate_assignment", "knn", "--force")
    assert not first.exists() and (course / "release" / "knn" / "knn.ipynb").is_file()
