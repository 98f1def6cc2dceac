"""Hidden checks of the recurrent assignment (instructor's copy only)."""

from __future__ import annotations

import numpy as np

from ...core.memo import remember_reference
from ...core.verdicts import CheckFailure, case, expect_close
from .public import (
    GRADIENT,
    RNN_GRADIENTS,
    SEQUENCE_GRADIENTS,
    STEP_GRADIENTS,
    TRAINING_MARGIN,
    VALUE,
    DoorSequence,
    Size,
    door_sequence_training,
    final_loss,
    lstm_step_gradients,
    rnn_args,
    rnn_gradients,
    sequence_gradients,
    suite,
    train_sequence,
)

LARGER = [Size(8, 10, 12, 7, 40, scale=0.3), Size(16, 20, 24, 3, 41, scale=0.2)]


def reference_gradients(door, forward: str, backward: str, args, upstream):
    *_, cache = door.call(forward, *args).value
    return door.call(backward, *upstream, cache).value


@suite.check("rnn_step_backward/vs_reference", points=1, reference=True)
def rnn_vs_reference(ctx):
    """A larger step (N=16, D=20, H=24): every gradient as the reference computes it."""
    size = LARGER[1]
    args = rnn_args(size)
    dnext_h = size.upstream(size.N, size.H)
    with case(size.step_label):
        mine = rnn_gradients(ctx.student, args, dnext_h)
        theirs = reference_gradients(ctx.reference, "rnn_step", "rnn_step_backward", args, [dnext_h])
        for name, a, b in zip(RNN_GRADIENTS, mine, theirs):
            expect_close(a, b, name, "rnn_step_backward", tolerance=GRADIENT, source="the reference")


@suite.check("lstm_step_backward/vs_reference", points=1, reference=True)
def lstm_step_vs_reference(ctx):
    """Larger steps, with some saturated gates: values and every gradient as the reference."""
    for size in LARGER:
        args = list(size.step_data())
        args[0] = args[0] * 8.0  # some pre-activations far into saturation
        dnext_h, dnext_c = size.upstream(size.N, size.H), size.upstream(size.N, size.H, 1)[..., 0]
        with case(size.step_label + ", inputs scaled by 8"):
            mine = lstm_step_gradients(ctx.student, args, dnext_h, dnext_c)
            theirs = reference_gradients(ctx.reference, "lstm_step", "lstm_step_backward", args, [dnext_h, dnext_c])
            for name, a, b in zip(STEP_GRADIENTS, mine, theirs):
                expect_close(a, b, name, "lstm_step_backward", tolerance=GRADIENT, source="the reference")


@suite.check("lstm_backward/vs_reference", points=2, reference=True)
def lstm_vs_reference(ctx):
    """Longer sequences (T=7, D=10, H=12; T=3, D=20, H=24): h and every gradient as the reference."""
    for size in LARGER:
        args = size.sequence_data()
        dh = size.upstream(size.N, size.T, size.H)
        with case(size.label):
            h = ctx.student.call("lstm_forward", *args).value[0]
            ref_h, cache = ctx.reference.call("lstm_forward", *args).value
            expect_close(np.asarray(h), ref_h, "h", "lstm_forward", tolerance=VALUE, source="the reference")
            mine = sequence_gradients(ctx.student, args, dh)
            theirs = ctx.reference.call("lstm_backward", dh, cache).value
            for name, a, b in zip(SEQUENCE_GRADIENTS, mine, theirs):
                expect_close(a, b, name, "lstm_backward", tolerance=GRADIENT, source="the reference")


@suite.check("lstm_backward/training_vs_reference", points=1, reference=True)
def lstm_training_vs_reference(ctx):
    """Another run of the sequence task (seed 1): as low a loss as with the reference's functions."""
    with case("pattern task, seed 1"):
        mine = final_loss(door_sequence_training(ctx.student, seed=1))
        theirs = remember_reference(ctx.reference, "sequence/1",
                                    lambda: final_loss(train_sequence(DoorSequence(ctx.reference), seed=1)))
        if not mine <= theirs + TRAINING_MARGIN:
            raise CheckFailure(f"lstm: final training loss {mine:.4f}, above the reference's {theirs:.4f} by more "
                               f"than {TRAINING_MARGIN}.", kind="below_target",
                               numbers={"actual": mine, "expected": theirs, "tolerance": TRAINING_MARGIN})
