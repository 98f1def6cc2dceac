"""Public checks of the softmax assignment (students run these with ``pytest softmax``)."""

from __future__ import annotations

import numpy as np

from ...core.checks import Suite
from ...core.verdicts import Hint, case
from ..linear import LossSpec, Mistake, expect_stable, penalty, register_public

suite = Suite("softmax", ["softmax_loss(W, X, y, reg)"], "softmax classifier", preload=["torch"], seconds=1.0)


def cross_entropy(scores, y, *, axis=1, reduce="mean"):
    """The contract's data loss in PyTorch, with switches for the usual mistakes."""
    import torch

    log_probs = torch.log_softmax(scores, dim=axis)
    picked = -log_probs.gather(1, y[:, None])
    return picked.sum() / scores.shape[0] if reduce == "mean" else picked.sum()


def no_minus_one(scores, y):
    """A loss whose gradient is X.T @ softmax / N: the right one without the -1 at y_i."""
    import torch

    return torch.logsumexp(scores, dim=1).mean()


def torch_cross_entropy(scores, y):
    import torch.nn.functional as F

    return F.cross_entropy(scores, y)


SPEC = LossSpec(
    function="softmax_loss",
    data_loss=torch_cross_entropy,
    oracle="PyTorch's F.cross_entropy plus the penalty",
    mistakes=(
        Mistake(Hint("softmax/minus_one_missing",
                     "dW misses the -1 at the correct class: d loss / d s_ij = p_ij - 1[j == y_i], "
                     "so subtract 1 from each row's correct class before X.T @ (...)."),
                gradient=lambda s, y, W, reg: no_minus_one(s, y) + penalty(W, reg)),
        Mistake(Hint("softmax/wrong_axis",
                     "the probabilities are normalised over the wrong axis: each sample's scores (a row, axis=1) "
                     "must sum to 1, not each class's column."),
                loss=lambda s, y, W, reg: cross_entropy(s, y, axis=0) + penalty(W, reg),
                gradient=lambda s, y, W, reg: cross_entropy(s, y, axis=0) + penalty(W, reg)),
        Mistake(Hint("softmax/penalty_gradient_halved",
                     "the penalty's part of dW is half what it should be: it is the gradient of the penalty "
                     "reg * sum(W**2) (the notes' lambda times the sum of the squared weights) with respect to "
                     "W, and the derivative of a square brings down a factor 2."),
                gradient=lambda s, y, W, reg: cross_entropy(s, y) + penalty(W, reg) / 2),
        Mistake(Hint("softmax/summed_not_averaged",
                     "you sum over the samples: the loss is the mean over the N samples, and so is dW."),
                loss=lambda s, y, W, reg: cross_entropy(s, y, reduce="sum") + penalty(W, reg),
                gradient=lambda s, y, W, reg: cross_entropy(s, y, reduce="sum") + penalty(W, reg)),
        Mistake(Hint("softmax/penalty_missing_from_loss",
                     "the penalty is missing from the loss (dW has it): the loss is the mean cross-entropy plus "
                     "the penalty, reg (the notes' lambda) times the sum of the squared weights."),
                loss=lambda s, y, W, reg: cross_entropy(s, y)),
    ),
    sanity=(lambda D, C: np.random.default_rng(C).normal(scale=1e-7, size=(D, C)), lambda C: float(np.log(C)),
            "tiny W: every class about as likely, loss = log(C)"),
    training={"reg": 1e-3, "learning_rate": 0.5, "steps": 300, "batch": 100},
)

register_public(suite, SPEC)

OVERFLOW = Hint("softmax/exp_overflow",
                "np.exp overflows for scores above ~709: subtract each row's maximum score before np.exp.")
UNDERFLOW = Hint("softmax/log_of_underflow", "a probability that underflows to 0 has log = -inf: compute log p "
                 "directly, as the shifted score minus the log of the sum of the exponentials of its row's "
                 "shifted scores (log-sum-exp), instead of taking the log of p.")


def extreme_scores(gap: float):
    """Three samples on one feature whose scores spread over ``gap`` (W has D=1, C=3)."""
    W = np.array([[gap / 2, 0.0, -gap / 2]])
    X = np.array([[1.0], [-1.0], [0.5]])
    y = np.array([2, 0, 1])
    return W, X, y


STABILITY_CASES = [
    # Large but close scores: exp(800) overflows, yet no probability is tiny (tells the two apart).
    ("scores near 800, 1 apart", (np.array([[800.0, 799.0, 798.0]]), np.ones((3, 1)), np.array([0, 1, 2])),
     [OVERFLOW]),
    ("scores of a sample 1e3 apart, the right class at the bottom", extreme_scores(1e3), [UNDERFLOW]),
    ("scores of a sample 1e4 apart, the right class at the bottom", extreme_scores(1e4), [UNDERFLOW]),
]


@suite.check("softmax_loss/stability", points=2)
def stability(ctx):
    """Large scores, and scores 1e3 and 1e4 apart: the exact, finite loss and gradient, no warning."""
    for label, (W, X, y), hints in STABILITY_CASES:
        with case(label):
            expect_stable(ctx.student, SPEC, W, X, y, hints)
