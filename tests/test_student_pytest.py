"""The student's view in this repository: `pytest assignments/knn` runs the public checks."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import ROOT, SOLUTIONS


def run_pytest(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


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


def test_a_module_that_does_not_import_shows_its_traceback_once(tmp_path):
    work = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments", work)
    module = work / "knn" / "knn.py"
    module.write_text(module.read_text() + "\n\ndef broken(:\n    pass\n")
    line = len(module.read_text().splitlines()) - 1
    proc = run_pytest(str(work / "knn"), "--rootdir", str(work))
    out = proc.stdout
    assert "14 failed" in out
    assert out.count(f'File "{module}", line {line}') == 1, out
    assert out.count("knn.py could not be imported (see knn/compute_distances/shape above).") == 13
    assert "loader.py" not in out and "autograder/core" not in out
