"""The verdicts judge correctly and say where and why."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.core.door import CallOutcome
from autograder.core.tolerances import TOLERANCES, Tolerance, distance_tolerance
from autograder.core.verdicts import (
    CheckFailure,
    Hint,
    case,
    expect_array,
    expect_close,
    expect_dtype,
    expect_equal,
    expect_finite,
    expect_shape,
    expect_unchanged,
)

TOL = Tolerance(rtol=1e-9, atol=1e-12, why="test")


def test_close_passes_within_tolerance_and_reports_the_worst_element():
    expected = np.arange(12.0).reshape(3, 4)
    expect_close(expected * (1 + 1e-12), expected, "out", "f", tolerance=TOL, source="ref")
    actual = expected.copy()
    actual[0, 1] += 1e-6
    actual[2, 3] += 1e-3
    with pytest.raises(CheckFailure) as info:
        expect_close(actual, expected, "out", "f", tolerance=TOL, source="torch")
    message = info.value.message
    assert "out[2, 3] is 11.001 but should be 11" in message
    assert "2 of 12 elements" in message and "does not match torch" in message


def test_close_judges_by_ratio_to_each_elements_bound():
    expected = np.array([1e6, 1.0])
    actual = expected + np.array([1e-4, 2e-9])  # 1e-4 on 1e6 is fine relatively; 2e-9 on 1 is not
    with pytest.raises(CheckFailure, match=r"out\[1\]"):
        expect_close(actual, expected, "out", "f", tolerance=TOL, source="ref")


def test_nan_is_never_close_but_matching_infinities_are():
    expected = np.array([1.0, np.inf])
    expect_close(np.array([1.0, np.inf]), expected, "out", "f", tolerance=TOL, source="ref")
    with pytest.raises(CheckFailure, match=r"out\[0\] is nan"):
        expect_close(np.array([np.nan, np.inf]), expected, "out", "f", tolerance=TOL, source="ref")
    with pytest.raises(CheckFailure, match="non-finite"):
        expect_finite(np.array([0.0, np.nan]), "out", "f")


def test_shape_mismatch_comes_first_with_its_hint():
    hint = Hint("test/transposed", "transposed!", lambda a: a.shape == (3, 2))
    with pytest.raises(CheckFailure) as info:
        expect_close(np.zeros((3, 2)), np.zeros((2, 3)), "out", "f", tolerance=TOL, source="ref", hints=[hint])
    assert "has shape (3, 2) but should have shape (2, 3)" in info.value.message
    assert info.value.hint.text == "transposed!" and info.value.hint.id == "test/transposed"
    assert info.value.kind == "wrong_shape" and info.value.numbers == {"actual_shape": [3, 2], "expected_shape": [2, 3]}


def test_hint_if_close_fits_only_the_symptom():
    expected = np.array([1.0, 4.0])
    hints = [Hint("test/squared", "squared?").if_close(expected**2, TOL),
             Hint("test/sign", "sign?").if_close(-expected, TOL)]
    with pytest.raises(CheckFailure) as info:
        expect_close(np.array([1.0, 16.0]), expected, "d", "f", tolerance=TOL, source="ref", hints=hints)
    assert info.value.hint.text == "squared?" and info.value.hint.id == "test/squared"
    with pytest.raises(CheckFailure) as info:
        expect_close(np.array([3.0, 3.0]), expected, "d", "f", tolerance=TOL, source="ref", hints=hints)
    assert info.value.hint is None


def test_equal_lists_first_mismatches():
    with pytest.raises(CheckFailure) as info:
        expect_equal(np.array([0, 1, 2, 3]), np.array([0, 2, 2, 0]), "y", "f", source="ref")
    assert "at 2 of 4 positions: y[1] is 1 but should be 2; y[3] is 3 but should be 0" in info.value.message


def test_array_type_and_dtype():
    with pytest.raises(CheckFailure, match="forget the return"):
        expect_array(None, "y", "f")
    with pytest.raises(CheckFailure, match="returned list"):
        expect_array([1, 2], "y", "f")
    with pytest.raises(CheckFailure, match="should have a integer dtype"):
        expect_dtype(np.zeros(2), "iu", "y", "f")
    with pytest.raises(CheckFailure, match=r"shape \(2,\) but should have shape \(3,\)"):
        expect_shape(np.zeros(2), (3,), "y", "f")


def test_unchanged_spots_a_modified_argument():
    before = [np.arange(3.0), [1, 2]]
    outcome = CallOutcome("f", None, (np.arange(3.0), [1, 2]), {})
    expect_unchanged("f", ["x", "ks"], before, outcome)
    outcome = CallOutcome("f", None, (np.arange(3.0) - 1, [1, 2]), {})
    with pytest.raises(CheckFailure, match="modified its input x"):
        expect_unchanged("f", ["x", "ks"], before, outcome)
    outcome = CallOutcome("f", None, (np.arange(3.0), [1, 2, 3]), {})
    with pytest.raises(CheckFailure, match="modified its input ks"):
        expect_unchanged("f", ["x", "ks"], before, outcome)


def test_case_labels_the_first_failure_only():
    with pytest.raises(CheckFailure) as info:
        with case("outer"):
            with case("inner"):
                raise CheckFailure("bad")
    assert info.value.case == "inner"


def test_distance_tolerance_admits_expansion_rounding_but_not_float32():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(30, 500)) * 1e3, rng.normal(size=(20, 500)) * 1e3
    exact = np.sqrt(((B[:, None] - A[None]) ** 2).sum(-1))
    tol = distance_tolerance(A, B, exact)
    expansion = np.sqrt(np.maximum((B**2).sum(1)[:, None] + (A**2).sum(1)[None] - 2 * B @ A.T, 0))
    assert np.all(np.abs(expansion - exact) <= tol)
    A32, B32 = A.astype(np.float32), B.astype(np.float32)
    single = np.sqrt(np.maximum((B32**2).sum(1)[:, None] + (A32**2).sum(1)[None] - 2 * B32 @ A32.T, 0))
    assert np.any(np.abs(single - exact) > tol)


def test_tolerance_table_is_float64_tight():
    assert TOLERANCES["value"].rtol < 1e-7  # float32 arithmetic must not pass as float64
    assert all(t.atol > 0 for t in TOLERANCES.values())


def test_returns_names_what_the_contract_returns():
    from autograder.core.verdicts import expect_returns
    from autograder.suites.layers import forward_pair

    assert expect_returns((1, 2, 3), ["dx", "dw", "db"], "f") == (1, 2, 3)
    with pytest.raises(CheckFailure) as info:
        expect_returns((1, 2), ["dx", "dw", "db"], "affine_backward")
    assert info.value.message == "affine_backward should return (dx, dw, db), but returned tuple (1, 2)."
    assert info.value.kind == "wrong_type" and info.value.function == "affine_backward"
    with pytest.raises(CheckFailure) as info:
        forward_pair(np.zeros(2), "relu_forward")
    assert info.value.describe() == ("relu_forward should return a pair (out, cache), but returned a NumPy array of "
                                     "shape (2,) and dtype float64.\nHint: return out, cache")


def test_accuracy_may_fall_short_by_the_margin_only():
    from autograder.core.verdicts import expect_accuracy

    template = "f: accuracy {mine:.4f} below {theirs:.4f} by more than {margin}."
    expect_accuracy("f", 0.905, 0.91, template, margin=0.01)
    with pytest.raises(CheckFailure) as info:
        expect_accuracy("f", 0.89, 0.91, template, margin=0.01)
    assert info.value.message == "f: accuracy 0.8900 below 0.9100 by more than 0.01."
    assert info.value.kind == "below_target"
    assert info.value.numbers == {"actual": 0.89, "expected": 0.91, "tolerance": 0.01}
