"""The bundle's requirements install what its checks and the course's notebooks import, and
nothing they do not: read from the files (fast), and for real in a fresh virtual environment
(slow: pip installs from the package registry)."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SOLUTIONS

from autograder import release
from autograder.course import build_notebook
from autograder.suites import ASSIGNMENTS, load_suite


def requirement_names(bundle: Path) -> set[str]:
    names = set()
    for line in (bundle / "requirements.txt").read_text().splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-e")):
            names.add(re.match(r"[A-Za-z0-9_.-]+", line).group().lower())
    return names


def imports_of(code: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def packages_imported(bundle: Path, assignments) -> set[str]:
    """The packages (pip's names) that the bundle's Python files and the assignments'
    notebooks import, other than the standard library and the bundle's own."""
    modules = set()
    for path in bundle.rglob("*.py"):
        modules |= imports_of(path.read_text())
    for assignment in assignments:
        for cell in build_notebook(assignment)["cells"]:
            if cell["cell_type"] == "code":
                modules |= imports_of(cell["source"])
    own = {"autograder", *ASSIGNMENTS}
    package = {"sklearn": "scikit-learn"}
    return {package.get(m, m).lower() for m in modules if m not in sys.stdlib_module_names and m not in own}


@pytest.mark.parametrize("assignments", [list(ASSIGNMENTS), ["knn"]], ids=["all", "knn"])
def test_requirements_are_what_the_checks_and_notebooks_import_and_jupyter(tmp_path, assignments):
    bundle = tmp_path / "student"
    release.write_bundle(bundle, assignments)
    imported = packages_imported(bundle, assignments)
    assert {"numpy", "torch", "scikit-learn", "matplotlib", "pytest"} <= imported
    required = requirement_names(bundle)
    # IPython comes with Jupyter: autograder/notebook.py imports it only inside a notebook's kernel
    # (to name cells as IPython does), guarded for a Python without it
    assert (imported - {"ipython"}) | {"notebook"} <= required  # and Jupyter, to open the notebooks
    assert required - imported - {"notebook"} <= {"scipy"}  # which students may use (the word2vec solution does)
    assert ("gensim" in imported) == ("word2vec" in assignments)  # only word2vec's experiment uses it
    text = (bundle / "requirements.txt").read_text()
    assert re.search(r"^-e \.(\s|$)", text, re.MULTILINE)  # the bundle's own autograder package
    pyproject = (bundle / "pyproject.toml").read_text()
    assert 'include = ["autograder*"]' in pyproject and '"torch==2.13.0"' in pyproject


def test_a_notebook_importing_a_package_pyproject_does_not_list_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(release, "notebook_imports", lambda name: {"numpy", "tensorflow"})
    with pytest.raises(release.SourceError, match="the knn notebook imports tensorflow"):
        release.write_bundle(tmp_path / "student", ["knn"])


# --- for real, in a fresh virtual environment ---------------------------------------------------


def clean_env(venv: Path, home: Path) -> dict:
    """Nothing of the development environment: the fresh venv first on PATH, no PYTHONPATH,
    Jupyter's own folders in ``home`` (no kernel of another environment)."""
    dev_bin = str(Path(sys.executable).parent)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != dev_bin]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MPLBACKEND") and not k.startswith("JUPYTER")}
    env.update(PATH=os.pathsep.join([str(venv / "bin"), *path]), VIRTUAL_ENV=str(venv),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"), PYTHONNOUSERSITE="1")
    return env


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The whole bundle, installed as its README says into a new virtual environment (no
    --system-site-packages): (bundle, venv's python, environment variables)."""
    root = tmp_path_factory.mktemp("fresh")
    bundle = root / "student"
    release.write_bundle(bundle)
    venv = root / "venv"
    env = clean_env(venv, root / "jupyter")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    proc = subprocess.run([str(python), "-m", "pip", "install", "-r", "requirements.txt"], cwd=bundle, env=env,
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    print(f"\nthe bundle's requirements installed in {time.monotonic() - started:.0f} s")
    return bundle, python, env


def release_notebook(assignment: str) -> dict:
    """The notebook a student hands in: nbgrader's release (hidden checks removed) with the
    reference's code in its cells."""
    notebook = build_notebook(assignment)
    for cell in notebook["cells"]:
        cell["source"] = re.sub(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n", "", cell["source"], flags=re.S)
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                              "id": "where", "source": "import sys, autograder\nprint(sys.executable)\n"
                                                       "print(autograder.__file__)"})
    return notebook


def text_of(outputs) -> str:
    return "".join("".join(o.get("text", "")) for o in outputs)


@pytest.mark.slow
def test_the_fresh_environment_has_the_bundles_packages_only(fresh):
    bundle, python, env = fresh
    probe = ("import importlib.util, autograder\nprint(autograder.__file__)\n"
             "print(sorted(m for m in ('nbgrader', 'gensim', 'matplotlib', 'notebook', 'torch', 'sklearn')"
             " if importlib.util.find_spec(m)))")
    proc = subprocess.run([str(python), "-c", probe], cwd=bundle.parent, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    where, found = proc.stdout.splitlines()
    assert where == str(bundle / "autograder" / "__init__.py")  # the bundle's own, installed editable
    assert found == str(["gensim", "matplotlib", "notebook", "sklearn", "torch"])  # no nbgrader (instructor only)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_notebook_runs_in_the_fresh_environment(fresh, assignment):
    """Each notebook, with the reference's code, opened from its assignment's folder and run top to
    bottom by the fresh environment's Jupyter: full public marks, the experiment and its plot."""
    bundle, python, env = fresh
    path = bundle / assignment / f"{assignment}.ipynb"
    path.write_text(json.dumps(release_notebook(assignment)))
    proc = subprocess.run([str(python.parent / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                           "--ExecutePreprocessor.timeout=900", "--output", f"{assignment}.done.ipynb", path.name],
                          cwd=path.parent, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-5000:]
    executed = json.loads((path.parent / f"{assignment}.done.ipynb").read_text())
    points = {}
    for check in load_suite(assignment).checks(include_hidden=False):
        points[check.function] = points.get(check.function, 0) + check.points
    images, scored = 0, {}
    for cell in executed["cells"]:
        if cell["cell_type"] != "code":
            continue
        outputs = cell["outputs"]
        assert not [o for o in outputs if o["output_type"] == "error"], (cell["source"][:200], outputs)
        images += sum("image/png" in o.get("data", {}) for o in outputs)
        grade = cell["metadata"].get("nbgrader", {})
        if grade.get("grade"):
            values = [o for o in outputs if o["output_type"] == "execute_result"]
            scored[grade["grade_id"].removeprefix("test_")] = float("".join(values[0]["data"]["text/plain"]))
    assert scored == points
    assert images >= 1, "the experiment ends in a plot"
    where = text_of(executed["cells"][-1]["outputs"]).split()  # the fresh Python, the bundle's own checks
    assert where == [str(python), str(bundle / "autograder" / "__init__.py")]


@pytest.mark.slow
def test_pytest_runs_in_the_fresh_environment(fresh, tmp_path):
    """The student's command in the fresh environment, on every assignment with the reference's
    code: every public check passes."""
    bundle, python, env = fresh
    work = tmp_path / "work"
    shutil.copytree(bundle, work, ignore=shutil.ignore_patterns("*.ipynb", "*.egg-info"))
    for assignment in ASSIGNMENTS:
        shutil.copyfile(SOLUTIONS / assignment / f"{assignment}.py", work / assignment / f"{assignment}.py")
    proc = subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]
    checks = [c for a in ASSIGNMENTS for c in load_suite(a).checks(include_hidden=False)]
    total = sum(c.points for c in checks)
    assert f"{len(checks)} passed" in proc.stdout
    assert re.search(rf"^Total\s+{total:g}/{total:g}$", proc.stdout, re.MULTILINE), proc.stdout[-3000:]
