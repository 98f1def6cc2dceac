"""One grading function, results as data: grade_submission returns a SubmissionRecord whose
failures say their kind, the function at fault and the hint's id, and every text (terminal,
pytest, results.json) is made from it."""

from __future__ import annotations

import json
import os
import re

import pytest
from conftest import BUGBANK, ROOT, SUBMISSIONS, overlay_submission, run_cli

from autograder.batch import BatchRow, Submission, grade_batch, write_csv
from autograder.core.report import failure_text, gradescope_results, result_text
from autograder.core.results import KINDS, CheckResult, Failure, SubmissionRecord
from autograder.core.runner import Limits
from autograder.grading import GradingOptions, UsageError, grade_submission
from autograder.suites import load_suite

KNN = {c.name for c in load_suite("knn").checks()}


@pytest.fixture(scope="module")
def farthest(tmp_path_factory):
    """The kNN bug that takes the farthest neighbours, graded once for the tests below."""
    folder = overlay_submission(tmp_path_factory.mktemp("farthest"), "knn", BUGBANK / "knn" / "farthest.py")
    return grade_submission(folder, GradingOptions(("knn",)))


def test_a_record_holds_every_check_and_its_failures_as_data(farthest):
    assert farthest.student.startswith("farthest")  # the folder's name
    assert farthest.assignments == ("knn",) and farthest.status == "graded"
    assert {r.check.name for r in farthest.results} == KNN
    votes = next(r for r in farthest.results if r.check.name == "knn_predict/votes")
    assert votes.failure.kind == "wrong_value" and votes.failure.function == "knn_predict"
    assert votes.failure.hint_id == "knn/farthest_neighbours"
    assert votes.failure.case.startswith("k=1: the nearest neighbour's label")
    numbers = votes.failure.numbers
    assert numbers["count"] <= numbers["total"] and numbers["actual"] != numbers["expected"]
    assert all(r.failure is None for r in farthest.results if r.passed)
    earned, possible = farthest.scores()
    assert earned["knn"] == farthest.score < possible["knn"] == farthest.max_score == 31


def test_text_is_made_from_the_data(farthest):
    votes = next(r for r in farthest.results if r.check.name == "knn_predict/votes")
    text = result_text(votes)
    assert text == failure_text(votes.failure)
    assert text.splitlines()[0] == votes.failure.message
    assert f"Case: {votes.failure.case}" in text and f"Hint: {votes.failure.hint}" in text
    passed = next(r for r in farthest.results if r.passed)
    assert result_text(passed) == f"passed: {passed.check.description}"


def test_results_json_carries_each_failure_as_extra_data(farthest):
    payload = gradescope_results(farthest.results, farthest.seconds)
    for test, result in zip(payload["tests"], farthest.results):
        data = test["extra_data"]
        assert data["seconds"] == round(result.seconds, 3) > 0 and data["student_seconds"] >= 0
        if result.passed:
            assert set(data) == {"seconds", "student_seconds"}
            continue
        assert data["kind"] in KINDS and data["function"] and test["output"] == result_text(result)
        assert data["hint_id"] == result.failure.hint_id
    json.dumps(payload, allow_nan=False)  # numbers are JSON (NaN and infinities as strings)


def test_a_record_travels_as_json_and_comes_back_equal(farthest):
    copy = SubmissionRecord.from_json(json.loads(json.dumps(farthest.to_json(), allow_nan=False)))
    assert copy == farthest


def test_failure_numbers_that_json_cannot_hold_become_strings():
    failure = Failure("not_finite", "f: out contains NaN", "f", numbers={"actual": float("nan"), "index": [0, 1],
                                                                        "expected": float("-inf")})
    assert failure.to_json()["numbers"] == {"actual": "nan", "index": [0, 1], "expected": "-inf"}
    with pytest.raises(ValueError, match="unknown failure kind"):
        Failure("oops", "message")


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "in-process"])
def test_every_kind_of_problem_in_student_code_has_its_kind(tmp_path, isolated):
    """What happens inside student code becomes a kind, whichever door it ran behind."""
    cases = {"infinite_loop": ("cross_validate_k/structure", "timed_out", "cross_validate_k"),
             "missing_function": ("cross_validate_k/folds", "missing_function", "cross_validate_k"),
             "import_error": ("compute_distances/shape", "does_not_import", None),
             "keyboard_interrupt": ("cross_validate_k/folds", "raised", "cross_validate_k")}
    options = GradingOptions(("knn",), limits=Limits(check_seconds=2), isolated=isolated)
    for name, (check, kind, function) in cases.items():
        record = grade_submission(overlay_submission(tmp_path / name, "knn", SUBMISSIONS / f"{name}.py"), options)
        failure = next(r.failure for r in record.results if r.check.name == check)
        assert (failure.kind, failure.function) == (kind, function), (name, failure)


def test_stubs_missing_modules_and_a_crash_have_their_kinds(tmp_path):
    stubs = grade_submission(ROOT / "assignments", GradingOptions(("knn",)))
    assert {r.failure.kind for r in stubs.results} == {"not_implemented"}
    assert {r.failure.function for r in stubs.results} == {"compute_distances", "knn_predict", "cross_validate_k"}
    (tmp_path / "empty").mkdir()
    empty = grade_submission(tmp_path / "empty", GradingOptions(("svm",)))
    assert {r.failure.kind for r in empty.results} == {"no_file"}
    crash = tmp_path / "crash" / "knn"
    crash.mkdir(parents=True)
    crash.joinpath("knn.py").write_text((ROOT / "solutions" / "knn" / "knn.py").read_text()
                                         + "\n\ndef knn_predict(*args, **kwargs):\n    import os\n    os._exit(3)\n")
    record = grade_submission(crash.parent, GradingOptions(("knn",)))
    first = next(r.failure for r in record.results if r.check.name == "knn_predict/shape_dtype")
    assert first.kind == "crashed" and first.function == "knn_predict" and "exited with status 3" in first.message
    # it would crash again: its later checks are not run
    votes = next(r.failure for r in record.results if r.check.name == "knn_predict/votes")
    assert votes.kind == "not_run" and votes.function == "knn_predict"
    assert votes.message.startswith("Not run: knn_predict crashed the process running it in knn_predict/shape_dtype")


def test_bad_options_are_refused_before_grading(tmp_path):
    with pytest.raises(UsageError, match=r"unknown assignment\(s\) nope, nada; known: knn"):
        GradingOptions(("knn", "nope", "nada"))
    with pytest.raises(UsageError, match="does not exist"):
        grade_submission(tmp_path / "nowhere")
    with pytest.raises(UsageError, match="reference solution"):
        grade_submission(tmp_path, GradingOptions(("knn",), solutions=tmp_path / "no-solutions"))
    assert GradingOptions(("svm", "knn", "svm")).assignments == ("svm", "knn")
    with pytest.raises(UsageError, match="jobs must be a whole number of at least 1, got 0"):
        GradingOptions(("knn",), jobs=0)


def test_assignments_graded_side_by_side_get_the_grades_of_one_by_one():
    """jobs=2 grades two assignments at a time (a thread each): the same checks in the same
    order, the same scores, failures and messages as one by one."""
    from autograder import paths

    chosen = ("knn", "svm", "softmax", "nn")
    one = grade_submission(paths.EXAMPLES / "partly_wrong", GradingOptions(chosen, jobs=1))
    two = grade_submission(paths.EXAMPLES / "partly_wrong", GradingOptions(chosen, jobs=2))
    assert [r.check.full_name for r in two.results] == [r.check.full_name for r in one.results]
    assert [r.check.assignment for r in two.results][0] == "knn" and 0 < one.score < one.max_score
    def verdicts(record):  # as data (NaN in numbers compares unequal to itself: compared as JSON)
        return [(r.score, result_text(r), json.dumps(r.failure and r.failure.numbers)) for r in record.results]

    assert verdicts(two) == verdicts(one)


def test_a_grader_error_in_one_lane_stops_grading(tmp_path):
    """The reference of one assignment is broken: grading side by side stops with the grader's
    error, as it does one by one, and does not grade on in the other lane."""
    import shutil
    import time

    from autograder import paths
    from autograder.core.runner import GraderError

    solutions = tmp_path / "solutions"
    shutil.copytree(paths.solutions_dir(), solutions, ignore=shutil.ignore_patterns("__pycache__"))
    (solutions / "svm" / "svm.py").write_text("raise RuntimeError('broken reference')\n")
    started = time.monotonic()
    with pytest.raises(GraderError, match="broken reference"):
        grade_submission(paths.solutions_dir(), GradingOptions(("svm", "gan"), solutions=solutions, jobs=2))
    assert time.monotonic() - started < 30  # gan's lane stopped at its next check (all of gan takes longer)


def test_grade_json_shows_kind_function_and_hint_id_of_every_failed_test(tmp_path):
    """The issue's acceptance test: `grade --json` of a buggy submission."""
    folder = overlay_submission(tmp_path / "sub", "conv", BUGBANK / "conv" / "pool_assigns_not_adds.py")
    proc = run_cli("grade", str(folder), "--assignment", "conv", "--json", str(tmp_path / "out.json"))
    assert proc.returncode == 0, proc.stderr
    failed = [t for t in json.loads((tmp_path / "out.json").read_text())["tests"] if t["status"] == "failed"]
    assert failed
    for test in failed:
        assert {"kind", "function", "hint_id"} <= set(test["extra_data"]), test
    overlapping = next(t for t in failed if t["name"] == "conv/max_pool_backward/overlapping_windows")
    assert overlapping["extra_data"] == {**overlapping["extra_data"], "kind": "wrong_value",
                                         "function": "max_pool_backward", "hint_id": "conv/pool_gradient_assigned"}


# --- the batch seam ----------------------------------------------------------------------------


class SerialExecutor:
    """Another executor: grades in this process, one submission after the other."""

    def __init__(self):
        self.graded = []

    def grade(self, submissions, options):
        for submission in submissions:
            self.graded.append(submission.student)
            yield grade_submission(submission.folder, options, student=submission.student)


class MemoryStore:
    """Another store: rows in a dict."""

    def __init__(self):
        self.rows = {}

    def previous(self, student, fingerprint):
        row = self.rows.get(student)
        return row if row is not None and row.fingerprint == fingerprint else None

    def save(self, record, fingerprint):
        self.rows[record.student] = BatchRow.of(record, fingerprint)
        return self.rows[record.student]


def test_grade_batch_takes_any_executor_and_store_and_leaves_the_environment_alone(tmp_path):
    for student, source in (("ann", ROOT / "solutions"), ("ben", ROOT / "assignments")):
        (tmp_path / student / "knn").mkdir(parents=True)
        (tmp_path / student / "knn" / "knn.py").write_text((source / "knn" / "knn.py").read_text())
    submissions = [Submission(s, tmp_path / s) for s in ("ann", "ben")]
    options = GradingOptions(("knn",), public_only=True)
    environment = dict(os.environ)
    executor, store = SerialExecutor(), MemoryStore()
    rows = grade_batch(submissions, executor, store, options=options)
    assert dict(os.environ) == environment
    assert {r.student: r.scores["knn"] for r in rows} == {"ann": 22.0, "ben": 0.0}
    again = grade_batch(submissions, SerialExecutor(), store, options=options)  # unchanged: nothing graded again
    assert again == rows and executor.graded == ["ann", "ben"]
    (tmp_path / "ben" / "knn" / "knn.py").write_text((ROOT / "solutions" / "knn" / "knn.py").read_text())
    rerun = SerialExecutor()
    rows = grade_batch(submissions, rerun, store, options=options)
    assert rerun.graded == ["ben"] and {r.student: r.scores["knn"] for r in rows} == {"ann": 22.0, "ben": 22.0}


def test_a_submission_the_grader_cannot_grade_is_a_row_with_its_reason(tmp_path):
    record = SubmissionRecord("zoe", str(tmp_path), ("knn", "svm"), error="the sandbox failed")
    assert record.status == "not_graded"
    row = BatchRow.of(record)
    amy = BatchRow("amy", {"knn": 3.0, "svm": 1.5}, {"knn": 31.0, "svm": 16.0}, ("knn/x",))
    write_csv(tmp_path / "grades.csv", [row, amy], ("knn", "svm"))
    assert (tmp_path / "grades.csv").read_text().splitlines() == [
        "student,knn,svm,total,status,detail", "(maximum),31,16,47,,the points possible",
        "amy,3,1.5,4.5,grader error,the grader failed on knn/x", "zoe,,,,not graded,the sandbox failed"]


def test_each_result_says_which_functions_its_check_called(farthest):
    called = {r.check.name: r.called for r in farthest.results}
    assert called["compute_distances/shape"] == ("compute_distances",)
    assert called["knn_predict/votes"] == ("knn_predict",)
    assert "cross_validate_k" in called["cross_validate_k/folds"]


def test_only_the_checks_asked_for_are_graded(tmp_path):
    with pytest.raises(UsageError, match="svm/svm_loss/shape"):  # not an assignment graded
        GradingOptions(("knn",), only=("knn/knn_predict/ties", "svm/svm_loss/shape"))
    with pytest.raises(UsageError, match="knn_predict/ties"):  # not a full name
        GradingOptions(("knn",), only=("knn_predict/ties",))
    only = ("knn/knn_predict/ties", "knn/compute_distances/shape")
    record = grade_submission(ROOT / "solutions", GradingOptions(("knn",), only=only))
    assert [r.name for r in record.results] == ["knn/compute_distances/shape", "knn/knn_predict/ties"]
    assert record.score == record.max_score == 3
    missing = grade_submission(tmp_path, GradingOptions(("knn",), only=only))  # nothing handed in
    assert [r.name for r in missing.results] == ["knn/compute_distances/shape", "knn/knn_predict/ties"]


def test_check_results_round_trip_as_records():
    info = load_suite("knn").checks()[0].info
    result = CheckResult(info, 0.0, Failure("wrong_shape", "m", "compute_distances",
                                            numbers={"actual_shape": [2, 3], "expected_shape": [3, 2]}), 1.5, 0.5,
                         ("compute_distances", "knn_predict"))
    assert CheckResult.from_record(json.loads(json.dumps(result.to_record()))) == result
    assert not result.passed and result.status == "failed" and not result.internal_error


def test_a_bug_in_a_check_is_the_graders_failure_not_the_students(tmp_path):
    from autograder.core.checks import Suite
    from autograder.core.report import score_table
    from autograder.core.runner import run_check

    suite = Suite("knn", ["compute_distances"], "test")

    @suite.check("compute_distances/broken_check", points=2)
    def broken(ctx):
        ctx.student.call("compute_distances", [[0.0]], [[0.0]])
        return {}["no such key"]

    result = run_check(suite.checks()[0], ROOT / "solutions" / "knn" / "knn.py")
    assert result.internal_error and result.score == 0 and result.failure.function is None
    text = result_text(result)
    assert text.startswith("The grader failed while running this check (this is not your fault; please report it):\n"
                           "Traceback") and "KeyError: 'no such key'" in text and text.endswith("\n")
    assert "GRADER ERROR" in score_table([result])


def test_the_function_at_fault_of_a_stub_is_the_one_not_implemented(tmp_path):
    from autograder.core.checks import Suite
    from autograder.core.runner import run_check

    (tmp_path / "helper.py").write_text("def library():\n    raise NotImplementedError('abstract')\n")
    module = tmp_path / "knn.py"
    module.write_text("from helper import library\n\n"
                      "def knn_predict(*args, **kwargs):\n    return compute_distances()\n\n"
                      "def compute_distances(*args):\n    raise NotImplementedError('stub')\n\n"
                      "def cross_validate_k(*args, **kwargs):\n    return library()\n")
    suite = Suite("knn", ["knn_predict", "cross_validate_k"], "test")
    suite.check("knn_predict/x", points=1)(lambda ctx: ctx.student.call("knn_predict"))
    suite.check("cross_validate_k/x", points=1)(lambda ctx: ctx.student.call("cross_validate_k"))
    predict, validate = (run_check(c, module).failure for c in suite.checks())
    assert (predict.kind, predict.function) == ("not_implemented", "compute_distances")
    assert "knn_predict could not run: compute_distances, which it calls, is not implemented yet" in predict.message
    # A NotImplementedError from outside the student's module is the called function's.
    assert (validate.kind, validate.function) == ("not_implemented", "cross_validate_k")


def test_numbers_of_any_type_become_json():
    import numpy as np

    from autograder.core.results import json_number

    assert [json_number(x) for x in (np.int64(3), np.float32(0.5), np.bool_(True), 1 + 2j, np.complex128(1j),
                                     float("inf"), None, "text")] == [3, 0.5, True, "(1+2j)", "1j", "inf", None,
                                                                      "text"]


def test_a_check_names_the_function_to_fix_first(tmp_path):
    """knn_predict on rows that copy training rows fails through the student's compute_distances
    when it returns NaN there: the failure names compute_distances, not knn_predict."""
    folder = overlay_submission(tmp_path, "knn", BUGBANK / "knn" / "no_clip_nan.py")
    record = grade_submission(folder, GradingOptions(("knn",), public_only=True))
    failure = next(r.failure for r in record.results if r.check.name == "knn_predict/duplicate_rows")
    assert failure.function == "compute_distances" and failure.hint_id == "knn/predict_through_nan_distances"
    assert failure.message.startswith("knn_predict: y_pred does not match the labels of the rows they copy")


def test_a_timeout_names_the_slow_function_and_its_time_per_call(tmp_path):
    """A check of fast() runs out of time because slow(), which it also calls, is slow: the
    failure names slow, its time per call and how many calls it got, not fast."""
    from autograder.core.checks import Suite
    from autograder.core.runner import run_check

    module = tmp_path / "knn.py"
    module.write_text("import time\n\ndef slow(x):\n    end = time.thread_time() + 0.05\n"
                      "    while time.thread_time() < end:\n        pass\n    return x\n\n"
                      "def fast(x):\n    return x\n")  # slow computes (a student's run is timed in CPU time)
    suite = Suite("knn", ["slow(x)", "fast(x)"], "test")

    @suite.check("fast/end_to_end", points=1)
    def end_to_end(ctx):
        for step in range(1000):
            ctx.student.call("fast", step)
            ctx.student.call("slow", step)

    failure = run_check(suite.checks()[0], module, time_limit=1.0).failure
    assert failure.kind == "timed_out" and failure.function == "slow"
    assert re.search(r"Your code spent its time in slow 0\.0[4-9]\d* s per call \(", failure.message), failure.message
    assert 10 <= failure.numbers["calls"] <= 25 and 0.04 < failure.numbers["seconds_per_call"] < 0.1


def test_a_changed_input_costs_the_checks_of_the_function_that_changed_it(tmp_path):
    """The contract's rule on every call: an argument changed by a function that may not change
    it fails that function's checks (its inputs_untouched check, where it has one), naming the
    argument; in another function's check, or for an argument changed in place by contract, it
    costs nothing."""
    import numpy as np

    from autograder.core.checks import Suite
    from autograder.core.runner import run_check

    module = tmp_path / "knn.py"
    module.write_text("def scale(x, y):\n    y *= 2\n    return x\n\ndef update(W, x):\n    W += x\n    x[0] = 9\n"
                      "    return W\n\ndef other(x):\n    return scale(x, x)\n")
    suite = Suite("knn", ["scale(x, y)", "update(W, x)", "other(x)"], "test", in_place={"update": ("W",)})
    for name in ("scale/values", "update/values", "other/values", "update/inputs_untouched"):
        function = name.split("/")[0]
        suite.check(name, points=1)(lambda ctx, f=function: ctx.student.call(f, np.ones(2), np.ones(2))
                                    if f != "other" else ctx.student.call("scale", np.ones(2), np.ones(2)))
    failures = {c.name: run_check(c, module).failure for c in suite.checks()}
    assert failures["scale/values"].kind == "modified_input" and "scale modified its input y" in \
        failures["scale/values"].message
    assert failures["other/values"] is None  # scale's mistake, in another function's check
    assert failures["update/values"] is None  # update has a check of its own for it
    assert failures["update/inputs_untouched"].message.startswith("update modified its input x;")


def test_the_contract_in_the_suites_is_the_stubs():
    """The argument names every call is held to are those of the assignment's stub."""
    import ast

    from autograder.suites import ASSIGNMENTS

    for assignment in ASSIGNMENTS:
        tree = ast.parse((ROOT / "assignments" / assignment / f"{assignment}.py").read_text())
        stubs = {node.name: tuple(a.arg for a in node.args.args) for node in tree.body
                 if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")}
        assert load_suite(assignment).contract.arguments == stubs, assignment


def test_the_reference_failing_inside_a_batch_is_the_graders_error(tmp_path):
    """A reference function that raises inside call_each (the batched trainings of the hidden
    checks) stops grading as the grader's error; it never costs the student the check."""
    from autograder.core.runner import GraderError, _ReferenceDoor

    module = tmp_path / "ref.py"
    module.write_text("def fine(x):\n    return x\n\ndef broken(x):\n    raise ValueError('reference bug')\n")
    door = _ReferenceDoor(module, label="reference")
    assert [o.value for o in door.call_each([("fine", (1,)), ("fine", (2,))])] == [1, 2]
    with pytest.raises(GraderError, match="reference bug"):
        door.call_each([("fine", (1,)), ("broken", (2,))])
