"""Public checks of the SVM assignment (students run these with ``pytest svm``)."""

from __future__ import annotations

import numpy as np

from ...core.checks import Suite
from ...core.verdicts import Hint, case
from ..linear import LossSpec, Mistake, compare_with_oracle, penalty, register_public

suite = Suite("svm", ["svm_loss(W, X, y, reg)"], "multiclass SVM", preload=["torch"], seconds=1.2)


def hinge(scores, y, *, margin=1.0, include_correct=False, detach_correct=False, reduce="mean"):
    """The contract's data loss in PyTorch, with switches for the usual mistakes."""
    import torch

    correct = scores.gather(1, y[:, None])
    if detach_correct:
        correct = correct.detach()
    margins = torch.relu(scores - correct + margin)  # gradient 0 at a margin of exactly 0, as the contract
    if not include_correct:
        margins = margins * (1 - torch.nn.functional.one_hot(y, scores.shape[1]).to(scores.dtype))
    total = margins.sum()
    return total / scores.shape[0] if reduce == "mean" else total


def multi_margin(scores, y):
    """F.multi_margin_loss averages over the C classes too: times C it is the contract's loss."""
    import torch.nn.functional as F

    return F.multi_margin_loss(scores, y) * scores.shape[1]


SPEC = LossSpec(
    function="svm_loss",
    data_loss=multi_margin,
    oracle="PyTorch's F.multi_margin_loss (times C) plus the penalty",
    mistakes=(
        Mistake(Hint("svm/correct_class_gradient_missing",
                     "the correct class's column of dW misses its share: every class j that violates the margin "
                     "also pulls W[:, y_i] down by X[i], so column y_i collects X[i] with a minus sign once "
                     "for each violating class."),
                gradient=lambda s, y, W, reg: hinge(s, y, detach_correct=True) + penalty(W, reg)),
        Mistake(Hint("svm/correct_class_in_sum",
                     "your loss is larger by exactly 1 per sample: the correct class must be left out of the sum "
                     "(its term is always max(0, 1) = 1)."),
                loss=lambda s, y, W, reg: hinge(s, y, include_correct=True) + penalty(W, reg)),
        Mistake(Hint("svm/penalty_gradient_halved",
                     "the penalty's part of dW is half what it should be: it is the gradient of the penalty "
                     "reg * sum(W**2) (the notes' lambda times the sum of the squared weights) with respect to "
                     "W, and the derivative of a square brings down a factor 2."),
                gradient=lambda s, y, W, reg: hinge(s, y) + penalty(W, reg) / 2),
        Mistake(Hint("svm/summed_not_averaged",
                     "you sum over the samples: the loss is the mean over the N samples, and so is dW."),
                loss=lambda s, y, W, reg: hinge(s, y, reduce="sum") + penalty(W, reg),
                gradient=lambda s, y, W, reg: hinge(s, y, reduce="sum") + penalty(W, reg)),
        Mistake(Hint("svm/margin_missing",
                     "the margin is missing: the notes' hinge is max(0, s_j - s_y + 1), with the +1."),
                loss=lambda s, y, W, reg: hinge(s, y, margin=0.0) + penalty(W, reg),
                gradient=lambda s, y, W, reg: hinge(s, y, margin=0.0) + penalty(W, reg)),
        Mistake(Hint("svm/penalty_missing_from_loss",
                     "the penalty is missing from the loss (dW has it): the loss is the mean hinge loss plus "
                     "the penalty, reg (the notes' lambda) times the sum of the squared weights."),
                loss=lambda s, y, W, reg: hinge(s, y)),
    ),
    sanity=(lambda D, C: np.zeros((D, C)), lambda C: C - 1.0,
            "W = 0: every wrong class sits at margin 1, loss = C - 1"),
    training={"reg": 1e-3, "learning_rate": 0.1, "steps": 300, "batch": 100},
    kink_free=lambda W, X, y: bool(np.min(np.abs(X @ W - (X @ W)[np.arange(len(y)), y][:, None] + 1)) > 1e-3),
)

register_public(suite, SPEC)

# Margins of exactly 0 (integers, so no rounding): row 0 has class 1 at margin 0 and class 2
# at margin 2; row 1 has class 0 at margin 0 and class 2 at margin -1.
ZERO_MARGIN = (np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]]), np.eye(2), np.array([0, 1]))


@suite.check("svm_loss/zero_margin", points=1)
def zero_margin(ctx):
    """A margin of exactly 0 is not a violation: it adds nothing to the loss or to dW."""
    W, X, y = ZERO_MARGIN
    with case("two samples, each with one wrong class at margin exactly 0"):
        compare_with_oracle(ctx.student, SPEC, W, X, y, 0.0, extra_hints=[
            Hint("svm/zero_margin_counted", "a margin of exactly 0 is not a violation: only strictly positive "
                 "margins count (the test is > 0, not >= 0).")])
