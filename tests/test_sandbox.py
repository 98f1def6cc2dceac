"""Pieces of the sandbox on their own (the attack tests exercise them together)."""

from __future__ import annotations

import os

from autograder.isolation import sandbox


def test_a_protected_folder_inside_an_allowed_one_is_carved_out(tmp_path):
    site = tmp_path / "site-packages"
    for name in ("numpy", "torch", "autograder/suites/knn"):
        (site / name).mkdir(parents=True)
    (site / "six.py").write_text("")
    roots = sandbox.readable_roots([site / "autograder"], {site, tmp_path / "elsewhere"})
    assert str(site) not in roots  # it holds the grader's package: only its other entries remain
    assert {str(site / "numpy"), str(site / "torch"), str(site / "six.py")} <= set(roots)
    assert not [r for r in roots if "autograder" in r]
    assert str(tmp_path / "elsewhere") not in roots  # does not exist


def test_a_folder_inside_a_protected_one_is_dropped_and_nesting_collapses(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".venv" / "lib").mkdir(parents=True)
    (repo / "solutions").mkdir()
    roots = sandbox.readable_roots([repo / "solutions", repo / ".venv"], {repo / ".venv" / "lib", tmp_path})
    assert str(repo / ".venv" / "lib") not in roots and str(repo / "solutions") not in roots
    assert str(tmp_path) not in roots  # it holds protected folders
    roots = sandbox.readable_roots([], {repo, repo / ".venv" / "lib"})
    assert roots == [str(repo)]


def test_the_real_allow_list_hides_the_grader_and_solutions():
    from autograder import paths

    roots = sandbox.readable_roots([paths.PACKAGE, paths.solutions_dir()])
    for root in roots:
        assert not str(paths.PACKAGE).startswith(root.rstrip(os.sep) + os.sep) and str(paths.PACKAGE) != root
        assert not str(paths.solutions_dir().resolve()).startswith(root.rstrip(os.sep) + os.sep)


def test_this_machine_offers_what_the_attack_tests_rely_on():
    """Landlock and namespaces are what keep hostile code out; if this machine lost them, the
    attack tests would fail for that reason, and this test says so plainly."""
    capabilities = sandbox.probe()
    assert capabilities.landlock_abi >= 1, "Landlock is not available: workers cannot be confined"
    assert "net" in capabilities.namespaces or capabilities.landlock_abi >= 4
