"""The Gradescope autograder zip: what it holds (fast), and the zip run as Gradescope runs it,
without Gradescope (slow: setup.sh installs the grader into a fresh virtual environment from the
package registry): uploads of every kind, each results.json checked against Gradescope's format."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, SOLUTIONS, SUBMISSIONS, run_cli

from autograder.course import build_notebook
from autograder.gradescope import gradescope_payload
from autograder.release import solution_lines
from autograder.suites import ASSIGNMENTS, load_suite

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gradescope_results.json").read_text())
ENTRY_POINTS = {"setup.sh", "run_autograder", "requirements.txt", "gradescope.json"}


def validate(results: dict) -> None:
    jsonschema.validate(results, SCHEMA)


def package_files() -> set[str]:
    return {f"autograder/{p.relative_to(ROOT / 'autograder').as_posix()}" for p in (ROOT / "autograder").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".npz") and p.name != "oracle.py"}


@pytest.fixture(scope="module")
def full_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    proc = run_cli("gradescope", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "knn.py or knn.ipynb" in proc.stdout
    return out


def test_the_zip_holds_the_entry_points_the_grader_and_the_references_and_nothing_else(full_zip, tmp_path):
    with zipfile.ZipFile(full_zip) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        texts = {name: archive.read(name) for name in names}
    references = {f"solutions/{a}/{a}.py" for a in ASSIGNMENTS}
    assert names == ENTRY_POINTS | package_files() | references
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert texts["setup.sh"].startswith(b"#!/usr/bin/env bash") and texts["run_autograder"].startswith(b"#!")
    assert json.loads(texts["gradescope.json"]) == {"assignments": list(ASSIGNMENTS)}
    pins = [line for line in texts["requirements.txt"].decode().splitlines() if not line.startswith("#")]
    assert {line.split("==")[0] for line in pins} >= {"numpy", "scipy", "torch", "scikit-learn"}
    assert all("==" in line for line in pins), pins
    assert any(line.startswith("torch==") and line.endswith("+cpu") for line in pins)
    assert b"download.pytorch.org/whl/cpu" in texts["setup.sh"]
    # every hidden check is in it, and the oracles' numbers
    assert {f"autograder/suites/{a}/hidden.py" for a in ASSIGNMENTS} <= names
    assert {"autograder/suites/gan/expected.npz", "autograder/suites/word2vec/expected.npz"} <= names
    # no solution line anywhere but in the references
    lines = {}
    for name, content in texts.items():
        if name not in references and name.endswith((".py", ".sh", ".txt", ".json", "run_autograder")):
            for line in content.decode().splitlines():
                lines.setdefault(line.strip(), name)
    for assignment in ASSIGNMENTS:
        for line in solution_lines((SOLUTIONS / assignment / f"{assignment}.py").read_text()):
            assert line not in lines, f"solution line {line!r} found in {lines[line]}"


def test_a_zip_of_one_assignment_carries_its_reference_alone(tmp_path):
    out = tmp_path / "knn.zip"
    proc = run_cli("gradescope", str(out), "--assignment", "knn")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert json.loads(archive.read("gradescope.json")) == {"assignments": ["knn"]}
    assert {n for n in names if n.startswith("solutions/")} == {"solutions/knn/knn.py"}


@pytest.mark.parametrize("args, says", [
    (["out.tar"], "is a .zip file"),
    (["out.zip", "--assignment", "knnn"], "knnn"),
    (["out.zip", "--solutions", "nowhere"], "nowhere"),
])
def test_bad_arguments_say_what_is_wrong_and_write_nothing(tmp_path, args, says):
    proc = run_cli("gradescope", *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert says in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_results_number_every_test_and_keep_the_hidden_points_out_of_the_summary():
    from autograder.core.results import CheckResult, Failure, SubmissionRecord

    checks = [c.info for c in load_suite("knn").checks(True)]
    public = [c for c in checks if not c.hidden]
    hidden = [c for c in checks if c.hidden]
    assert public and hidden
    failed = Failure("wrong_value", "wrong")
    # every public check passed but one, every hidden one failed: the summary must say 21/22, not 21/31,
    # and the public failure that follows from a hidden one must not name it
    first_hidden = hidden[0]
    follows = Failure("wrong_value", f"wrong (as in {first_hidden.full_name})",
                      fix_first=(first_hidden.name,))
    results = [CheckResult(c, 0.0, failure=follows) if c is public[-1] else CheckResult(c, c.points) for c in public]
    results += [CheckResult(c, 0.0, failure=failed) for c in hidden]
    payload = gradescope_payload(SubmissionRecord("s", "s", ("knn",), results, 1.5))
    validate(payload)
    numbers = {t["name"]: t["number"] for t in payload["tests"]}  # the public ones first, then the hidden
    assert [numbers[c.full_name] for c in public + hidden] == [f"1.{i}" for i in range(1, len(checks) + 1)]
    last = next(t for t in payload["tests"] if t["name"] == public[-1].full_name)
    assert first_hidden.name not in last["output"] and "a hidden check" in last["output"]
    assert last["extra_data"]["fix_first"] == ["a hidden check"]
    public_points = sum(c.points for c in public)
    assert payload["output"].splitlines()[0] == (f"Public checks: {public_points - public[-1].points:g}/"
                                                 f"{public_points:g} points.")
    total = sum(c.points for c in checks)
    assert f"/{total:g}" not in payload["output"]
    assert {t["visibility"] for t in payload["tests"]} == {"visible", "after_published"}
    assert payload["execution_time"] == 1.5


def test_the_schema_refuses_what_gradescope_would(tmp_path):
    """The schema is not vacuous: a test without a valid visibility, or a misspelt field, fails."""
    good = {"score": 1, "tests": [{"name": "a", "score": 1, "max_score": 1, "visibility": "visible"}]}
    validate(good)
    for bad in ({**good, "tests": [{**good["tests"][0], "visibility": "later"}]},
                {**good, "test": []},
                {"tests": [{"name": "a"}]},
                {**good, "score": "1"}):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


# --- the zip, run as Gradescope runs it -----------------------------------------------------------


def gradescope_env(root: Path, **extra: str) -> dict:
    """The environment of Gradescope's container, as far as it matters: PATH without this
    project's Python (a system Python 3.11, as on Gradescope's Ubuntu, where there is one), and
    the one variable that points the zip at its root."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "AUTOGRADER"))}
    if Path("/usr/bin/python3.11").exists() or Path("/usr/bin/python3.12").exists():
        env["PATH"] = "/usr/bin:/bin"
    env["AUTOGRADER_ROOT"] = str(root)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The knn autograder's zip extracted under a root standing in for /autograder, and
    setup.sh run for real: a fresh virtual environment, the pinned packages from the registry."""
    out = tmp_path_factory.mktemp("zip") / "knn.zip"
    proc = run_cli("gradescope", str(out), "--assignment", "knn")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    root = Path(tempfile.mkdtemp(prefix="gradescope-root-"))  # not under pytest's 0700 folder: nobody reads it
    root.chmod(0o755)
    with zipfile.ZipFile(out) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):  # zipfile does not restore modes; Gradescope's unzip does
        (root / "source" / name).chmod(0o755)
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root, env=gradescope_env(root),
                           capture_output=True, text=True, timeout=1200)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert "the reference scores 31/31" in setup.stdout
    assert (root / "venv" / "bin" / "python").exists()
    yield root
    shutil.rmtree(root, ignore_errors=True)


def upload(root: Path, files: dict[str, str | bytes], **env: str) -> dict:
    """Put ``files`` in the submission folder as Gradescope does, run run_autograder, and return
    the results.json it wrote (validated against Gradescope's format)."""
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    submission.mkdir()
    for name, content in files.items():
        path = submission / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    proc = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=gradescope_env(root, **env),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    return results


def by_name(results: dict) -> dict[str, dict]:
    return {t["name"]: t for t in results["tests"]}


REFERENCE = (SOLUTIONS / "knn" / "knn.py").read_text()
KNN_CHECKS = load_suite("knn").checks(True)
KNN_POINTS = sum(c.points for c in KNN_CHECKS)


@pytest.mark.slow
def test_the_reference_module_gets_full_marks_with_every_test_numbered(installed):
    results = upload(installed, {"knn.py": REFERENCE})
    assert results["score"] == KNN_POINTS == 31
    assert len(results["tests"]) == len(KNN_CHECKS)
    assert all(t["status"] == "passed" for t in results["tests"])
    assert results["tests"][0]["number"] == "1.1"
    assert results["execution_time"] > 0
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}


@pytest.mark.slow
def test_a_partly_wrong_module_in_a_folder_gets_what_grade_gives_it(installed, tmp_path):
    wrong = (ROOT / "examples" / "partly_wrong" / "knn" / "knn.py").read_text()
    results = upload(installed, {"my_work/knn.py": wrong})
    (tmp_path / "s" / "knn").mkdir(parents=True)
    (tmp_path / "s" / "knn" / "knn.py").write_text(wrong)
    proc = run_cli("grade", str(tmp_path / "s"), "--assignment", "knn", "--json", str(tmp_path / "direct.json"))
    assert proc.returncode == 0, proc.stderr
    direct = json.loads((tmp_path / "direct.json").read_text())
    assert 0 < results["score"] == direct["score"] < KNN_POINTS
    assert {n: t["score"] for n, t in by_name(results).items()} == {t["name"]: t["score"] for t in direct["tests"]}


@pytest.mark.slow
def test_a_notebook_is_graded_like_its_module(installed):
    notebook = json.dumps(build_notebook("knn"))
    results = upload(installed, {"knn.ipynb": notebook})
    assert results["score"] == KNN_POINTS


@pytest.mark.slow
@pytest.mark.parametrize("files, says", [
    ({}, "the folder is empty"),
    ({"KNN_final.py": REFERENCE}, "KNN_final.py"),
    ({"report.pdf": b"%PDF-1.4"}, "report.pdf"),
])
def test_an_empty_or_misnamed_upload_gets_zero_and_what_to_upload(installed, files, says):
    results = upload(installed, files)
    assert results["score"] == 0 and len(results["tests"]) == len(KNN_CHECKS)
    assert says in results["output"]
    assert "Upload knn.py (or your notebook knn.ipynb)" in results["output"]
    assert "Hidden checks" not in results["output"]


@pytest.mark.slow
def test_a_broken_module_gets_zero_with_its_error(installed):
    results = upload(installed, {"knn.py": REFERENCE + "\ndef broken(:\n    pass\n"})
    assert results["score"] == 0
    assert "does not import" in results["output"] and "SyntaxError" in results["output"]
    assert results["extra_data"]["status"] == "does_not_import"


@pytest.mark.slow
def test_student_code_runs_as_nobody_when_the_python_allows(installed):
    """Gradescope's advice: student code not as root. Where the grader runs as root and the
    virtual environment's Python is readable by others (a system Python, as on Gradescope), the
    workers run as nobody; this machine's own Python under /root could not be."""
    probe = REFERENCE.replace("def compute_distances(X_train, X_test):",
                              "def compute_distances(X_train, X_test):\n"
                              "    import os\n    raise RuntimeError(f'running as uid {os.geteuid()}')\n\n\n"
                              "def _reference(X_train, X_test):", 1)
    results = upload(installed, {"knn.py": probe})
    message = by_name(results)["knn/compute_distances/shape"]["output"]
    python = Path(os.path.realpath(installed / "venv" / "bin" / "python"))
    if os.geteuid() == 0 and str(python).startswith("/usr/"):
        assert f"running as uid {_nobody()}" in message, message
    else:  # no other user can run this Python: as this grader's own user (root without capabilities)
        assert f"running as uid {os.geteuid()}" in message, message


def _nobody() -> int:
    import pwd

    return pwd.getpwnam("nobody").pw_uid


@pytest.mark.slow
def test_a_broken_grader_still_writes_results(installed):
    """The Python that run_autograder calls is gone: results.json all the same, saying so."""
    results = upload(installed, {"knn.py": REFERENCE}, AUTOGRADER_PYTHON=str(installed / "no-such-python"))
    assert results["score"] == 0 and "could not run" in results["output"]


@pytest.mark.slow
def test_results_are_written_before_gradescopes_time_limit(installed):
    """A submission that would outlast Gradescope's limit: run stops at its deadline and writes
    what it has, the rest at 0, instead of leaving no results at all."""
    root = installed
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    (root / "submission" / "knn.py").write_text(REFERENCE + "\n" + (SUBMISSIONS / "infinite_loop.py").read_text())
    (root / "results").mkdir()
    proc = subprocess.run([str(root / "venv" / "bin" / "python"), "-m", "autograder", "gradescope-run", "run",
                           "--root", str(root), "--deadline", "8"], cwd=root, env=gradescope_env(root),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    assert results["score"] == 0 and "ran out of time" in results["output"]
    assert len(results["tests"]) == len(KNN_CHECKS)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
