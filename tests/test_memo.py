"""Results computed once per process, and the numbers among them kept on disk for the next
processes: read back only for the same key and the same grader, recomputed otherwise."""

from __future__ import annotations

import pytest

from autograder.core import memo


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache folder, and a process that has computed nothing yet."""
    monkeypatch.setenv("AUTOGRADER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(memo, "_COMPUTED", {})
    return tmp_path / "cache"


def test_numbers_kept_on_disk_are_read_back_by_the_next_process(fresh, monkeypatch):
    calls = []

    def accuracy():
        calls.append(1)
        return (0.95, 3)

    assert memo.computed_once(("test", 1), accuracy, persist=True) == (0.95, 3)
    assert memo.computed_once(("test", 1), accuracy, persist=True) == (0.95, 3) and len(calls) == 1
    monkeypatch.setattr(memo, "_COMPUTED", {})  # the next process
    assert memo.computed_once(("test", 1), accuracy, persist=True) == (0.95, 3) and len(calls) == 1
    assert memo.computed_once(("test", 2), accuracy, persist=True) == (0.95, 3) and len(calls) == 2  # another key
    assert len(list(fresh.glob("*.json"))) == 2


def test_another_grader_a_broken_file_or_no_cache_computes_again(fresh, monkeypatch):
    calls = []

    def value():
        calls.append(1)
        return 0.5

    memo.computed_once("k", value, persist=True)
    monkeypatch.setattr(memo, "_COMPUTED", {})
    monkeypatch.setattr(memo, "fingerprint", lambda: "another grader")  # a check or a version changed
    memo.computed_once("k", value, persist=True)
    assert len(calls) == 2
    for path in fresh.glob("*.json"):
        path.write_text("{not json")
    monkeypatch.setattr(memo, "_COMPUTED", {})
    assert memo.computed_once("k", value, persist=True) == 0.5 and len(calls) == 3
    monkeypatch.setenv("AUTOGRADER_CACHE_DIR", "none")
    monkeypatch.setattr(memo, "_COMPUTED", {})
    memo.computed_once("k", value, persist=True)
    assert len(calls) == 4


def test_what_is_not_numbers_stays_in_memory(fresh):
    assert memo.computed_once("object", lambda: {"a": object()}, persist=True)["a"] is not None
    assert not fresh.exists() or not list(fresh.glob("*.json"))


def test_the_fingerprint_covers_the_graders_sources(tmp_path, monkeypatch):
    import shutil

    package = tmp_path / "autograder"
    shutil.copytree(memo._PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(memo, "_PACKAGE", package)
    memo.fingerprint.cache_clear()
    try:
        first = memo.fingerprint()
        with open(package / "core" / "tolerances.py", "a") as source:
            source.write("# changed\n")
        memo.fingerprint.cache_clear()
        assert memo.fingerprint() != first
    finally:
        memo.fingerprint.cache_clear()
