"""Hidden checks shared by the linear classifiers (instructor's copy only, never in a student
bundle): compare with the reference on larger cases and another split of the digits."""

from __future__ import annotations

import numpy as np

from ..core.memo import remember_reference
from ..core.tolerances import TOLERANCES
from ..core.verdicts import case, expect_accuracy, expect_close
from ..training import accuracy, digits_problem
from .linear import LinearCase, LossSpec, call_loss, door_train, train, training_message

VALUE, GRADIENT = TOLERANCES["value"], TOLERANCES["gradient"]


def register_hidden(suite, spec: LossSpec) -> None:
    fn = spec.function

    @suite.check(f"{fn}/vs_reference", points=2, reference=True)
    def vs_reference(ctx):
        """Larger and odd cases (C = 10, D = 65, N = 1) agree with the reference."""
        for row in [LinearCase(N=200, D=65, C=10, seed=30, reg=1e-3, weight_scale=0.05),
                    LinearCase(N=40, D=20, C=7, seed=31, reg=0.05, labels=np.int32),
                    LinearCase(N=1, D=2, C=2, seed=32)]:
            W, X, y = row.data()
            with case(row.label):
                loss, dW, _ = call_loss(ctx.student, spec, W, X, y, row.reg)
                ref_loss, ref_dW = ctx.reference.call(fn, W, X, y, row.reg).value
                expect_close(np.array(loss), np.array(ref_loss), "loss", fn, tolerance=VALUE, source="the reference")
                expect_close(dW, ref_dW, "dW", fn, tolerance=GRADIENT, source="the reference")

    @suite.check(f"{fn}/digits_vs_reference", points=1, reference=True)
    def digits_vs_reference(ctx):
        """Another split of the digits: as accurate as SGD with the reference's loss."""
        X_train, y_train, X_test, y_test = digits_problem(seed=1)
        with case("digits, seed 1"):
            mine = door_train(ctx.student, X_train, y_train, spec)
            target = remember_reference(ctx.reference, f"{fn}/digits/1", lambda: accuracy(
                train(lambda *a: ctx.reference.call(fn, *a).value, X_train, y_train, spec), X_test, y_test))
            expect_accuracy(fn, accuracy(mine, X_test, y_test), target, training_message(fn, "the reference"))
