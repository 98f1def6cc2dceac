"""Every check proves itself on a bug: each file of tests/bugbank/<assignment>/ is a realistic
buggy (or correct but differently written) implementation of some functions. Laid over the
reference, it must fail exactly the checks its FAILS names (and may fail those of MAY_FAIL, whose
outcome for that bug depends on the machine), and the failure named in HINTS must carry that hint.
Correct alternatives (FAILS empty) must keep full marks, those marked BUSY while other processes
keep every core busy (student code is timed in CPU time, which the load does not change)."""

from __future__ import annotations

import ast
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import BUGBANK, SOLUTIONS, busy_machine, module_constants, overlay_submission

from autograder.batch import Submission, _initialise_process, grade_job
from autograder.core.report import result_text
from autograder.core.results import SubmissionRecord
from autograder.grading import GradingOptions, grade_submission
from autograder.suites import ASSIGNMENTS, load_suite

CASES = sorted(p for assignment in ASSIGNMENTS for p in (BUGBANK / assignment).glob("*.py"))
BANK_JOBS = 2  # bugs graded side by side (student code is timed in CPU time, which they share fairly)


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


BANK_CONSTANTS = {"FAILS", "MAY_FAIL", "HINTS", "FIX_FIRST", "BUSY"}


EVERYTHING = "*"  # a file whose top level does more than define: it may change anything


def names_bound(tree: ast.Module) -> set[str]:
    """The names a module binds at its top level (functions, classes, variables), imports aside
    (a bug's ``import numpy as np`` binds what the reference's binds; an import under another
    name, or any statement other than a definition, an assignment or a docstring, may change
    anything: EVERYTHING)."""
    bound = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any(alias.asname and alias.asname != "np" for alias in node.names):
                bound.add(EVERYTHING)
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            continue  # a docstring
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign,
                                 ast.AugAssign)):
            bound.add(EVERYTHING)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return bound


def affected_functions(bug: Path) -> set[str]:
    """The reference's functions whose behaviour a bug laid over it may change: those it
    redefines, and those of the reference that use (call, read) anything it rebinds, in turn."""
    source = (SOLUTIONS / bug.parent.name / f"{bug.parent.name}.py").read_text()
    uses = {node.name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
    affected = names_bound(ast.parse(bug.read_text())) - BANK_CONSTANTS
    while True:
        more = {name for name, used in uses.items() if used & affected} - affected
        if not more:
            return affected
        affected |= more


def test_a_bug_affects_what_it_redefines_and_what_uses_it():
    """knn_predict redefined: the reference's cross_validate_k calls it, compute_distances does
    not; a rebound helper or constant affects every function that reads it."""
    assert affected_functions(BUGBANK / "knn" / "ties_to_largest.py") & {
        "compute_distances", "knn_predict", "cross_validate_k"} == {"knn_predict", "cross_validate_k"}
    assert affected_functions(BUGBANK / "knn" / "correct_loops.py") >= {"compute_distances", "knn_predict",
                                                                          "cross_validate_k"}
    # the names a file binds, imports aside (the bank's constants are not the student's code)
    tree = ast.parse("import numpy as np\nfrom math import inf\nEPS = 1e-8\nx: int = 1\n"
                     "def f(): pass\nclass C: pass\n")
    assert names_bound(tree) == {"EPS", "x", "f", "C"}
    assert EVERYTHING in names_bound(ast.parse("import numpy as np\nnp.random.seed(0)\n"))
    assert EVERYTHING in names_bound(ast.parse("try:\n    def f(): pass\nexcept Exception:\n    pass\n"))
    assert EVERYTHING in names_bound(ast.parse("from numpy import sqrt as exp\n"))


@pytest.fixture(scope="session")
def bank_results(request, tmp_path_factory) -> dict[Path, SubmissionRecord]:
    """The records of the bugs this session selected (BUSY ones aside: they are graded alone,
    under load), graded by BANK_JOBS spawned grader processes as grade-batch grades a class; the
    records travel back as JSON, as grade-batch's do. Each bug is graded on the checks that call
    a function it may change (:func:`affected_functions`; which functions each check calls, the
    reference's grade says): every other check runs the reference's code only, and passes as it
    does on the reference. (A check left out that the bug should fail shows as an unexpected
    pass; BUSY bugs are graded alone on every check.)"""
    chosen = [item.callspec.params["path"] for item in request.session.items
              if item.originalname == "test_bug_loses_exactly_the_expected_checks"]
    chosen = [path for path in chosen if not module_constants(path).get("BUSY")]
    root = tmp_path_factory.mktemp("bank")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=BANK_JOBS, mp_context=context, initializer=_initialise_process) as pool:
        assignments = sorted({path.parent.name for path in chosen})
        references = {name: pool.submit(grade_job, Submission(f"reference-{name}", SOLUTIONS), GradingOptions((name,)))
                      for name in assignments}
        calls = {}
        for name, future in references.items():
            record = SubmissionRecord.from_json(future.result())
            assert record.score == record.max_score, f"the reference of {name} loses points"
            calls.update({r.name: set(r.called) for r in record.results})
        futures = {}
        for path in chosen:
            folder = overlay_submission(root / case_id(path).replace("/", "-"), path.parent.name, path)
            affected = affected_functions(path)
            only = () if EVERYTHING in affected else tuple(sorted(
                check for check, called in calls.items()
                if check.startswith(path.parent.name + "/") and (called & affected or not called)))
            futures[path] = pool.submit(grade_job, Submission(case_id(path), folder),
                                        GradingOptions((path.parent.name,), only=only))
        return {path: SubmissionRecord.from_json(future.result()) for path, future in futures.items()}


def test_bank_is_big_enough():
    for assignment in ASSIGNMENTS:
        files = list((BUGBANK / assignment).glob("*.py"))
        buggy = [f for f in files if module_constants(f).get("FAILS")]
        correct = [f for f in files if module_constants(f).get("FAILS") == set()]
        assert len(buggy) >= 10, f"{assignment}: only {len(buggy)} buggy implementations"
        assert len(correct) >= 2, f"{assignment}: only {len(correct)} correct alternatives"


def test_every_check_is_proven_by_some_bug():
    for assignment in ASSIGNMENTS:
        caught = set().union(*(module_constants(f)["FAILS"] for f in (BUGBANK / assignment).glob("*.py")))
        unproven = {c.name for c in load_suite(assignment).checks()} - caught
        assert not unproven, f"{assignment}: no bug in the bank fails {sorted(unproven)}"


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_bug_loses_exactly_the_expected_checks(path: Path, tmp_path: Path, bank_results):
    assignment = path.parent.name
    constants = module_constants(path)
    expected = constants["FAILS"]
    names = {c.name for c in load_suite(assignment).checks()}
    assert expected <= names, f"FAILS names unknown checks: {expected - names}"
    if constants.get("BUSY"):
        with busy_machine():
            record = grade_submission(overlay_submission(tmp_path, assignment, path), GradingOptions((assignment,)))
    else:
        record = bank_results[path]
    assert not record.error, record.error
    results = record.results
    failed = {r.check.name for r in results if not r.passed}
    assert not [r.name for r in results if r.internal_error], "the grader itself failed"
    report = "\n".join(f"{r.check.name}: {result_text(r).splitlines()[:3]}" for r in results if not r.passed)
    may_fail = constants.get("MAY_FAIL", set())  # outcomes that depend on the machine's BLAS kernels
    assert expected <= failed <= expected | may_fail, (
        f"unexpected failures: {sorted(failed - expected - may_fail)}; unexpected passes: {sorted(expected - failed)}"
        f"\n{report}"
    )
    for check, hint in constants.get("HINTS", {}).items():
        result = next(r for r in results if r.check.name == check)
        output = result_text(result)
        assert "Hint:" in output and hint in output, f"{check} should hint {hint!r}; it said:\n{output}"
        assert result.failure.hint_id, f"{check}: the hint has no id"
    for check, first in constants.get("FIX_FIRST", {}).items():  # the function the failure follows from
        result = next(r for r in results if r.check.name == check)
        assert first in result.failure.fix_first and "Fix first:" in result_text(result), result_text(result)
