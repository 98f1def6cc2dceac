"""Stubs and the student bundle come from the single source and carry no solution."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SOLUTIONS

from autograder.release import (
    BEGIN,
    END,
    SourceError,
    assignments_drift,
    make_stub,
    oracle_data,
    oracle_data_drift,
    solution_lines,
    write_bundle,
)
from autograder.suites import ASSIGNMENTS, load_suite


def test_committed_stubs_match_the_generator():
    assert assignments_drift() == [], "run `python -m autograder stubs` (or `bash dev.sh stubs`)"


def test_committed_oracle_data_matches_the_oracles():
    """The GAN's and word2vec's public checks compare with numbers their instructor-only oracles
    computed; the committed files must be what the oracles compute now."""
    assert oracle_data_drift() == [], "run `python -m autograder stubs` (or `bash dev.sh stubs`)"
    assert {"gan", "word2vec"} <= set(oracle_data())


def test_oracle_data_drift_is_detected(tmp_path, monkeypatch):
    import numpy as np

    from autograder import release

    values = release.oracle_data(["gan"])["gan"]
    key = next(iter(values))
    values[key] = values[key] + 1e-6
    np.savez(tmp_path / "expected.npz", **values)
    committed = release.oracle_data_path
    monkeypatch.setattr(release, "oracle_data_path",
                        lambda name: tmp_path / "expected.npz" if name == "gan" else committed(name))
    assert release.oracle_data_drift() == ["gan: expected.npz differs"]


def test_drift_is_detected(tmp_path):
    shutil.copytree(ROOT / "assignments", tmp_path / "assignments")
    stub = tmp_path / "assignments" / "knn" / "knn.py"
    stub.write_text(stub.read_text().replace("Euclidean", "Euclidian"))
    assert assignments_drift(target=tmp_path / "assignments") == ["knn/knn.py (differs)"]
    stub.unlink()
    assert assignments_drift(target=tmp_path / "assignments") == ["knn/knn.py (missing)"]


def signatures(source: str) -> dict:
    tree = ast.parse(source)
    return {
        node.name: (ast.dump(node.args), ast.get_docstring(node))
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stub_keeps_signatures_and_docstrings_and_raises(assignment):
    source = (SOLUTIONS / assignment / f"{assignment}.py").read_text()
    stub = make_stub(source)
    assert signatures(stub) == signatures(source)
    assert ast.get_docstring(ast.parse(stub)) == ast.get_docstring(ast.parse(source))
    for name in signatures(source):
        assert f'raise NotImplementedError("{name} is not implemented yet' in stub
    assert BEGIN not in stub and END not in stub
    stub_lines = {line.strip() for line in stub.splitlines()}
    for line in solution_lines(source):
        assert line not in stub_lines


def test_make_stub_names_the_innermost_function_and_drops_module_level_regions():
    source = f'''
{BEGIN}
def _helper():
    return 42
{END}


def outer(x):
    """Doc."""
    def inner(y):
        {BEGIN}
        return y + 1
        {END}
    {BEGIN}
    return inner(x)
    {END}
'''
    stub = make_stub(source)
    assert "_helper" not in stub and "return" not in stub
    assert '        raise NotImplementedError("inner is not implemented yet' in stub
    assert '    raise NotImplementedError("outer is not implemented yet' in stub
    ast.parse(stub)


@pytest.mark.parametrize(
    "source, problem",
    [
        (f"def f():\n    {BEGIN}\n    return 1\n", "without ### END"),
        (f"def f():\n    {END}\n", "without ### BEGIN"),
        (f"def f():\n    {BEGIN}\n    {BEGIN}\n    {END}\n", "inside another"),
        ("def f():\n    ### BEGIN SOLUTIONS\n    return 1\n", "malformed marker"),
    ],
)
def test_malformed_regions_are_rejected(source, problem):
    with pytest.raises(SourceError, match=problem):
        make_stub(source)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "student"
    write_bundle(out)
    return out


def bundle_texts(bundle):
    """Every file of the bundle as text; an .npz archive (numbers the public checks compare
    with) as the names of its arrays, one per line, which must hold only numbers (no pickles)."""
    import numpy as np

    texts = {}
    for p in bundle.rglob("*"):
        if not p.is_file():
            continue
        if p.suffix == ".npz":
            with np.load(p, allow_pickle=False) as archive:
                assert all(archive[k].dtype.kind in "biuf" for k in archive.files), f"{p}: not plain numbers"
                texts[p] = "\n".join(archive.files)
        else:
            texts[p] = p.read_text()
    return texts


def bundle_lines(bundle):
    """Every stripped line of every file of the bundle, with the files it occurs in."""
    lines: dict[str, list[str]] = {}
    for p, text in bundle_texts(bundle).items():
        for line in text.splitlines():
            lines.setdefault(line.strip(), []).append(str(p.relative_to(bundle)))
    return lines


def test_bundle_holds_no_solution_line(bundle):
    lines = bundle_lines(bundle)
    assert len(lines) > 100, "suspiciously small bundle"
    for assignment in ASSIGNMENTS:
        for line in solution_lines((SOLUTIONS / assignment / f"{assignment}.py").read_text()):
            assert line not in lines, f"solution line {line!r} found in {lines.get(line)}"


def hidden_modules() -> list[Path]:
    """The modules that hold hidden checks: every suite's hidden.py, and shared *_hidden.py."""
    suites = ROOT / "autograder" / "suites"
    return sorted(suites.glob("*/hidden.py")) + sorted(suites.glob("*_hidden.py"))


def test_bundle_holds_no_hidden_check(bundle):
    texts = bundle_texts(bundle)
    assert not list(bundle.rglob("*hidden*")) and not list(bundle.rglob("solutions"))
    assert not list(bundle.rglob("oracle.py")), "the instructors' oracles hold the answers; their numbers ship instead"
    public = "\n".join(p.read_text() for p in (ROOT / "autograder").rglob("*.py") if p not in hidden_modules())
    public_lines = {line.strip() for line in public.splitlines()}
    names = [c.name for a in ASSIGNMENTS for c in load_suite(a).checks() if c.hidden]
    assert len(names) >= len(ASSIGNMENTS)
    for p, text in texts.items():
        for name in names:
            assert name not in text, f"hidden check {name} named in {p}"
    lines = bundle_lines(bundle)
    for module in hidden_modules():
        code = [line.strip() for line in module.read_text().splitlines()
                if len(line.strip()) > 20 and line.strip() not in public_lines
                and not line.strip().startswith(("from", "import", "#", '"""'))]
        assert code, f"nothing to look for from {module}"
        for line in code:
            assert line not in lines, f"hidden check code {line!r} (from {module.name}) in {lines[line]}"


def test_bundle_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("my work")
    with pytest.raises(FileExistsError):
        write_bundle(tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "my work"


def run_bundle_pytest(folder, *args):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=folder,
                          capture_output=True, text=True, timeout=600)


def test_bundle_runs_public_checks_with_its_own_copy(bundle, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(bundle, student)
    proc = run_bundle_pytest(student, "knn")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "14 failed" in proc.stdout and "0/22" in proc.stdout
    assert "is not implemented yet" in proc.stdout
    # The student's work: the reference copied in gets every public point.
    shutil.copyfile(SOLUTIONS / "knn" / "knn.py", student / "knn" / "knn.py")
    probe = student / "knn" / "test_where.py"
    probe.write_text("import autograder\n\ndef test_where():\n    print('AUTOGRADER', autograder.__file__)\n")
    proc = run_bundle_pytest(student, "knn", "-s")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "22/22" in proc.stdout
    assert f"AUTOGRADER {student / 'autograder' / '__init__.py'}" in proc.stdout
