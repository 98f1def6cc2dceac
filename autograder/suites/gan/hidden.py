"""Hidden checks of the GAN assignment (instructor's copy only)."""

from __future__ import annotations

import numpy as np

from ...core.memo import remember_reference
from ...core.verdicts import CheckFailure, case, expect_close
from .public import (
    GRADIENT,
    MEAN_TOLERANCE,
    STD_TOLERANCE,
    STEP,
    VALUE,
    Players,
    build,
    call_bce,
    call_gan_step,
    learn_gaussian,
    suite,
)


@suite.check("bce_with_logits/vs_reference", points=1, reference=True)
def bce_vs_reference(ctx):
    """N=200 logits from -3000 to 3000 with targets anywhere in [0, 1]: the reference's values."""
    rng = np.random.default_rng(40)
    logits = rng.normal(size=200) * 1000
    targets = rng.random(200)
    with case("N=200, |logits| up to about 3000"):
        loss, dlogits = call_bce(ctx.student, logits, targets)
        ref_loss, ref_grad = ctx.reference.call("bce_with_logits", logits, targets).value
        expect_close(np.asarray(loss), np.asarray(ref_loss), "loss", "bce_with_logits", tolerance=VALUE,
                     source="the reference")
        expect_close(dlogits, ref_grad, "dlogits", "bce_with_logits", tolerance=GRADIENT, source="the reference")


@suite.check("gan_step/vs_reference", points=2, reference=True)
def gan_vs_reference(ctx):
    """Wider players (G 4 -> 12 -> 3, D 3 -> 12 -> 1), other learning rates, four calls: losses
    and parameters as the reference's gan_step gives them, call after call."""
    players = Players(seed=41, z_dim=4, data_dim=3, hidden=12, lr_G=0.003, beta1=0.5, lr_D=0.1, momentum=0.8, batch=10)
    mine, theirs = players.build(ctx.student), players.build(ctx.reference)
    with case(players.label):
        for number, (real, z) in enumerate(players.batches(4, offset=7), start=1):
            got = call_gan_step(ctx.student, mine, real, z)
            want = call_gan_step(ctx.reference, theirs, real, z)
            where = f"after call {number} of 4"
            for name, a, b in zip(("d_loss", "g_loss"), got, want):
                expect_close(np.asarray(a), np.asarray(b), f"{name} ({where})", "gan_step", tolerance=STEP,
                             source="the reference")
            for player, index in (("D", 1), ("G", 0)):
                for k, (a, b) in enumerate(zip(build(ctx.student, "parameters", mine[index]),
                                               build(ctx.reference, "parameters", theirs[index]))):
                    expect_close(np.asarray(a), np.asarray(b), f"{player}'s parameter {k} ({where})", "gan_step",
                                 tolerance=STEP, source="the reference")


@suite.check("gan_step/learns_gaussian_vs_reference", points=1, reference=True)
def gaussian_vs_reference(ctx):
    """Another seed of the Gaussian task: G's mean and spread as close to the target as the
    reference's (within the public check's tolerances of it)."""
    with case("seed 1"):
        mean, std = learn_gaussian(ctx.student, 1)
        ref_mean, ref_std = remember_reference(ctx.reference, "gaussian/1", lambda: learn_gaussian(ctx.reference, 1))
        if abs(mean - ref_mean) > MEAN_TOLERANCE or abs(std - ref_std) > STD_TOLERANCE:
            raise CheckFailure(f"gan: after training with your gan_step (seed 1), G's samples have mean {mean:.3f} and "
                               f"standard deviation {std:.3f}; with the reference's, {ref_mean:.3f} and {ref_std:.3f} "
                               f"(allowed: {MEAN_TOLERANCE} and {STD_TOLERANCE}).", kind="below_target",
                               numbers={"actual": [mean, std], "expected": [ref_mean, ref_std],
                                        "tolerance": [MEAN_TOLERANCE, STD_TOLERANCE]})
