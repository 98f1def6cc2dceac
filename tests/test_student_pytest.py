"""The student's view in this repository: `pytest assignments/knn` runs the public checks."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import ROOT, SOLUTIONS


def run_pytest(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def failures(out):
    """The failures' section of pytest's output: on CI (env CI or BUILD_NUMBER set) pytest's short
    summary repeats each whole message, elsewhere it cuts them to the terminal's width."""
    return out.split("short test summary info")[0]


def test_stubs_fail_every_public_check_with_points_and_a_total():
    proc = run_pytest("assignments/knn")
    assert proc.returncode == 1
    out = proc.stdout
    assert "14 failed" in out
    assert "knn/compute_distances/shape [1 pt]" in out and "knn/compute_distances/duplicates [2 pts]" in out
    assert "pts]" not in out.replace("[2 pts]", "").replace("[3 pts]", "")  # never "[1 pts]"
    assert "(knn/compute_distances/shape: 0/1 point)" in out and "(knn/compute_distances/values: 0/3 points)" in out
    assert "compute_distances is not implemented yet" in out
    assert "Total" in out and "0/22" in out
    assert "Traceback" not in out and "autograder/core" not in out  # the checks' messages, no grader internals


def test_selecting_checks_by_name(tmp_path):
    proc = run_pytest("assignments/knn", "-k", "ties")
    assert "1 failed, 13 deselected" in proc.stdout


def test_a_finished_assignment_passes(tmp_path):
    work = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments", work)
    shutil.copyfile(SOLUTIONS / "knn" / "knn.py", work / "knn" / "knn.py")
    proc = run_pytest(str(work / "knn"), "--rootdir", str(work))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "14 passed" in proc.stdout and "22/22" in proc.stdout


def test_a_failure_names_the_check_to_fix_first_as_the_grader_does(tmp_path):
    """The residual block calls the student's conv_forward: with a flipped kernel, its failure
    names conv_forward/values, which failed above."""
    work = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments", work)
    (work / "conv" / "conv.py").write_text((SOLUTIONS / "conv" / "conv.py").read_text() + "\n\n"
                                           + (ROOT / "tests" / "bugbank" / "conv" / "flipped_kernel.py").read_text())
    proc = run_pytest(str(work / "conv"), "--rootdir", str(work), "-k", "conv_forward or residual_forward")
    out = failures(proc.stdout)
    block = out.split("conv/residual_forward/values", 1)[1]
    assert "Fix first: conv_forward/values (failed above" in block, block[:2000]


def _endless_knn_predict(tmp_path, marker=None):
    """A copy of the stubs whose kNN is the reference but knn_predict never returns (writing
    ``marker`` first, when given, so that a test knows the loop has started)."""
    work = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments", work)
    touch = f"    open({str(marker)!r}, 'w').close()\n" if marker else ""
    (work / "knn" / "knn.py").write_text((SOLUTIONS / "knn" / "knn.py").read_text()
                                         + f"\n\ndef knn_predict(X_train, y_train, X_test, k=1):\n{touch}"
                                           "    while True:\n        pass\n")
    return work


def test_a_function_that_times_out_is_not_run_again_and_timeout_sets_the_limit(tmp_path):
    work = _endless_knn_predict(tmp_path)
    proc = run_pytest(str(work / "knn"), "--rootdir", str(work), "--timeout", "1")
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "knn_predict did not finish within the time limit (1 s of CPU time per check)" in out
    # one time limit for knn_predict, one for cross_validate_k (which calls it); the rest at once
    shown = failures(out)
    assert shown.count("did not finish within the time limit") == 2, out
    assert shown.count("Not run: knn_predict ran out of time in knn_predict/shape_dtype") == 6, out
    assert shown.count("Not run: cross_validate_k ran out of time in cross_validate_k/structure") == 2, out
    assert "NOT RUN" in out and "knn total                                 7/22" in out


def test_a_bad_timeout_is_refused(tmp_path):
    proc = run_pytest("assignments/knn", "--timeout", "0")
    assert proc.returncode != 0
    assert "--timeout must be a positive number of seconds, got 0" in proc.stderr + proc.stdout


def test_after_ctrl_c_the_table_says_it_is_partial(tmp_path):
    import signal
    import time

    marker = tmp_path / "looping"
    work = _endless_knn_predict(tmp_path, marker)
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(work / "knn"),
                             "--rootdir", str(work)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 300
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "knn_predict was never called"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert "score (partial)" in out, out + err
    # compute_distances' 4 checks ran (7 points); the 10 others count 0 in the maximum
    assert "PARTIAL: the run stopped after 4 of 14 checks; the 10 not run count 0 here" in out, out
    assert "knn total                                 7/22" in out
    assert "knn_predict/shape_dtype                    0/1  NOT RUN" in out


def test_a_module_that_does_not_import_shows_its_traceback_once(tmp_path):
    work = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments", work)
    module = work / "knn" / "knn.py"
    module.write_text(module.read_text() + "\n\ndef broken(:\n    pass\n")
    line = len(module.read_text().splitlines()) - 1
    proc = run_pytest(str(work / "knn"), "--rootdir", str(work))
    out = proc.stdout
    assert "14 failed" in out
    shown = failures(out)
    assert shown.count(f'File "{module}", line {line}') == 1, out
    assert shown.count("knn.py could not be imported (see knn/compute_distances/shape above).") == 13
    assert "loader.py" not in out and "autograder/core" not in out
