"""Hidden checks of the two-layer network assignment (instructor's copy only)."""

from __future__ import annotations

import numpy as np

from ...core.memo import remember_reference
from ...core.verdicts import CheckFailure, case, expect_accuracy, expect_close, expect_finite
from ...datasets import digits_split
from ...training import digits_problem
from .public import (
    GRADIENT,
    VALUE,
    AffineCase,
    affine_backward_answer,
    call_forward,
    call_network,
    dropout,
    expect_gradient_array,
    init_weights,
    network,
    network_accuracy,
    preprocess_answer,
    scheme_std,
    std_bound,
    std_hints,
    student_training,
    suite,
    train_network,
)


def reference_layer(door, forward, backward, inputs, dout):
    out, cache = door.call(forward, *inputs).value
    return out, door.call(backward, dout, cache).value


@suite.check("affine_backward/vs_reference", points=1, reference=True)
def affine_vs_reference(ctx):
    """A larger affine layer (x (64, 3, 8, 8), M=10): forward and backward as the reference."""
    x, w, b = AffineCase((64, 3, 8, 8), 10, 40).data()
    dout = np.random.default_rng(41).normal(size=(64, 10))
    with case("x (64, 3, 8, 8), M=10"):
        dx, dw, db = affine_backward_answer(ctx.student, x, w, b, dout)
        out, _ = call_forward(ctx.student, "affine_forward", x, w, b)
        ref_out, (rx, rw, rb) = reference_layer(ctx.reference, "affine_forward", "affine_backward", [x, w, b], dout)
        expect_close(out, ref_out, "out", "affine_forward", tolerance=VALUE, source="the reference")
        for name, mine, theirs in (("dx", dx, rx), ("dw", dw, rw), ("db", db, rb)):
            expect_close(mine, theirs, name, "affine_backward", tolerance=GRADIENT, source="the reference")


@suite.check("sigmoid_backward/vs_reference", points=1, reference=True)
def activations_vs_reference(ctx):
    """ReLU and sigmoid on (8, 16, 16) values spread over +-50: forward and backward as the reference."""
    x = np.random.default_rng(42).normal(size=(8, 16, 16)) * 20
    dout = np.random.default_rng(43).normal(size=x.shape)
    for forward, backward in (("relu_forward", "relu_backward"), ("sigmoid_forward", "sigmoid_backward")):
        with case(f"{forward} / {backward}, x (8, 16, 16)"):
            out, cache = call_forward(ctx.student, forward, x, out_shape=x.shape)
            dx = expect_gradient_array(ctx.student.call(backward, dout, cache).value, "dx", backward, x.shape)
            ref_out, ref_dx = reference_layer(ctx.reference, forward, backward, [x], dout)
            expect_close(out, ref_out, "out", forward, tolerance=VALUE, source="the reference")
            expect_close(dx, ref_dx, "dx", backward, tolerance=GRADIENT, source="the reference")


@suite.check("dropout_forward/edge_probabilities", points=1)
def dropout_edges(ctx):
    """p = 0 keeps everything unchanged in training; p = 0.95 drops about 95% and scales by 20."""
    x = np.random.default_rng(44).uniform(0.5, 1.5, size=(100, 100))
    with case("p=0, training"):
        out, _ = dropout(ctx.student, x, 0.0, True, seed=1)
        expect_close(out, x, "out", "dropout_forward", tolerance=VALUE, source="x (nothing dropped)")
    with case("p=0.95, training"):
        out, _ = dropout(ctx.student, x, 0.95, True, seed=2)
        kept = out != 0
        if abs(kept.mean() - 0.05) > 5 * np.sqrt(0.05 * 0.95 / x.size):
            raise CheckFailure(f"dropout_forward kept {kept.mean():.4f} of the units with p=0.95; expected about 0.05.",
                               numbers={"actual": float(kept.mean()), "expected": 0.05})
        expect_close(out[kept], x[kept] * 20, "out (kept units)", "dropout_forward", tolerance=VALUE,
                     source="x / (1 - p)")


@suite.check("two_layer_net/vs_reference", points=2, reference=True)
def network_vs_reference(ctx):
    """A wider network (D=64, H=50, C=10, N=30), reg > 0: loss and every gradient as the reference."""
    params, X, y = network(D=64, H=50, C=10, N=30, seed=45, scale=0.1)
    with case("D=64, H=50, C=10, N=30, reg=0.05"):
        loss, grads = call_network(ctx.student, params, X, y, 0.05)
        ref_loss, ref_grads = ctx.reference.call("two_layer_net", params, X, y, 0.05).value
        expect_close(np.array(loss), np.array(ref_loss), "loss", "two_layer_net", tolerance=VALUE,
                     source="the reference")
        for key in params:
            expect_close(grads[key], ref_grads[key], f"grads[{key!r}]", "two_layer_net", tolerance=GRADIENT,
                         source="the reference")


@suite.check("two_layer_net/digits_vs_reference", points=1, reference=True)
def network_digits_vs_reference(ctx):
    """Another split of the digits: as accurate as training with the reference's functions."""
    X_train, y_train, X_test, y_test = digits_problem(seed=1)
    with case("digits, seed 1"):
        mine = network_accuracy(student_training(ctx.student, X_train, y_train), X_test, y_test)
        theirs = remember_reference(ctx.reference, "digits/1", lambda: network_accuracy(train_network(
            lambda *a: ctx.reference.call("two_layer_net", *a).value,
            lambda rows: [ctx.reference.call("sgd_momentum", *row).value for row in rows], X_train, y_train),
            X_test, y_test))
        expect_accuracy("two_layer_net", mine, theirs, "two_layer_net: test accuracy {mine:.4f}, below the "
                        "reference's {theirs:.4f} by more than {margin}.")


@suite.check("preprocess/vs_reference", points=1, reference=True)
def preprocess_vs_reference(ctx):
    """The raw digits (1297 training rows of 64 pixels 0..16, some always 0, given as integers):
    both sets as the reference standardises them."""
    X_train, _, X_test, _ = digits_split(seed=2, test_size=500)
    X_train, X_test = X_train.astype(np.int64), X_test.astype(np.int64)
    with case("digits, int64 pixels, train (1297, 64), test (500, 64)"):
        mine = preprocess_answer(ctx.student, X_train, X_test)
        theirs = ctx.reference.call("preprocess", X_train, X_test).value
        for name, a, b in zip(("X_train_p", "X_test_p"), mine, theirs):
            expect_finite(a, name, "preprocess")
            expect_close(a, b, name, "preprocess", tolerance=VALUE, source="the reference")


@suite.check("init_weights/skewed_fans", points=1)
def init_skewed(ctx):
    """Standard deviations for very unequal fans (one input, one output, tall and wide layers),
    within the bound of init_weights/std."""
    for index, (scheme, fan_in, fan_out) in enumerate([("he", 6000, 8), ("xavier", 4, 30000), ("he", 1, 60000),
                                                       ("xavier", 20000, 3), ("small", 2, 40000)]):
        expected, bound = scheme_std(scheme, fan_in, fan_out), std_bound(fan_in * fan_out)
        with case(f"scheme={scheme!r}, fan_in={fan_in}, fan_out={fan_out}: std {expected:.4g} +-{bound:.2%}"):
            W = init_weights(ctx.student, fan_in, fan_out, 60 + index, scheme)
            measured = float(W.std())
            if not abs(measured / expected - 1) <= bound:
                raise CheckFailure(f"init_weights: the entries of W have standard deviation {measured:.5g}; "
                                   f"expected {expected:.5g} within a relative {bound:.2%}.",
                                   next((h for h in std_hints(scheme, fan_in, fan_out, bound) if h.applies(measured)),
                                        None),
                                   numbers={"actual": measured, "expected": expected, "tolerance": bound * expected})
