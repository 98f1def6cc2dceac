"""Hidden checks of the convolution assignment (instructor's copy only)."""

from __future__ import annotations

import numpy as np

from ...core.memo import remember_reference
from ...core.verdicts import case, expect_accuracy, expect_close, expect_equal
from .public import (
    GRADIENT,
    RESIDUAL_GRADIENTS,
    VALUE,
    ConvCase,
    DoorLayers,
    PoolCase,
    ResidualCase,
    conv,
    conv_gradients,
    empirical_field,
    field,
    field_hints,
    pool,
    pool_gradient,
    residual,
    residual_gradients,
    suite,
    trained_accuracy,
)

LARGER = [ConvCase(4, 3, 12, 10, 5, 5, 3, 2, 2, 40), ConvCase(2, 5, 11, 13, 6, 4, 4, 3, 1, 41),
          ConvCase(8, 3, 16, 16, 8, 3, 3, 1, 1, 42)]


@suite.check("conv_backward/vs_reference", points=2, reference=True)
def conv_vs_reference(ctx):
    """Larger geometries (5x3 kernels at stride 2 with pad 2, 4x4 at stride 3, a batch of 8):
    forward and backward as the reference computes them."""
    for row in LARGER:
        x, w, b = row.data()
        dout = row.upstream()
        with case(row.label):
            out, _ = conv(ctx.student, x, w, b, row)
            dx, dw, db = conv_gradients(ctx.student, x, w, b, row, dout)
            ref_out, cache = ctx.reference.call("conv_forward", x, w, b, row.stride, row.pad).value
            rx, rw, rb = ctx.reference.call("conv_backward", dout, cache).value
            expect_close(out, ref_out, "out", "conv_forward", tolerance=VALUE, source="the reference")
            for name, mine, theirs in (("dx", dx, rx), ("dw", dw, rw), ("db", db, rb)):
                expect_close(mine, theirs, name, "conv_backward", tolerance=GRADIENT, source="the reference")


@suite.check("max_pool_backward/vs_reference", points=1, reference=True)
def pool_vs_reference(ctx):
    """4x4 windows at stride 3, and 3x3 at stride 1 with ties: forward and backward as the reference."""
    for row, ties in ((PoolCase((2, 3, 13, 11), 4, 3, 43), False), (PoolCase((2, 2, 8, 9), 3, 1, 44), True)):
        x, dout = row.data(ties=ties), row.upstream()
        with case(row.label + (", many ties" if ties else "")):
            out, _ = pool(ctx.student, x, row)
            dx = pool_gradient(ctx.student, x, row, dout)
            ref_out, cache = ctx.reference.call("max_pool_forward", x, row.pool_size, row.stride).value
            ref_dx = ctx.reference.call("max_pool_backward", dout, cache).value
            expect_close(out, ref_out, "out", "max_pool_forward", tolerance=VALUE, source="the reference")
            expect_close(dx, ref_dx, "dx", "max_pool_backward", tolerance=GRADIENT, source="the reference")


@suite.check("max_pool_backward/digits_convnet_vs_reference", points=1, reference=True)
def conv_digits_vs_reference(ctx):
    """Another split of the digits: as accurate as training with the reference's layers."""
    with case("digits, seed 1"):
        mine = trained_accuracy(DoorLayers(ctx.student), 1)
        theirs = remember_reference(ctx.reference, "digits_convnet/1",
                                    lambda: trained_accuracy(DoorLayers(ctx.reference), 1))
        expect_accuracy("max_pool_backward", mine, theirs, "conv: test accuracy {mine:.4f}, below the reference's "
                        "{theirs:.4f} by more than {margin}.")


RESIDUAL_LARGER = [ResidualCase(4, 5, 9, 7, 5, 50), ResidualCase(2, 6, 8, 8, 3, 51), ResidualCase(1, 3, 3, 11, 3, 52)]


@suite.check("residual_backward/vs_reference", points=2, reference=True)
def residual_vs_reference(ctx):
    """Larger blocks (5 channels with 5x5 kernels, 6 channels, a 3x11 image): forward and
    backward as the reference computes them."""
    for row in RESIDUAL_LARGER:
        inputs, dout = row.data(), row.upstream()
        with case(row.label):
            out, _ = residual(ctx.student, inputs, row)
            grads = residual_gradients(ctx.student, inputs, row, dout)
            ref_out, cache = ctx.reference.call("residual_forward", *inputs).value
            expected = ctx.reference.call("residual_backward", dout, cache).value
            expect_close(out, ref_out, "out", "residual_forward", tolerance=VALUE, source="the reference")
            for name, mine, theirs in zip(RESIDUAL_GRADIENTS, grads, expected):
                expect_close(mine, theirs, name, "residual_backward", tolerance=GRADIENT, source="the reference")


# Stacks drawn at random (kernels 1-7, strides 1-3, 1 to 7 layers), measured on PyTorch stacks;
# some layers are average poolings.
FIELD_DRAWN = [[("pool" if kind else "conv", int(k), int(s)) for kind, k, s in zip(
    rng.random(n) < 0.3, rng.integers(1, 8, n), rng.integers(1, 4, n))]
    for rng, n in ((np.random.default_rng(seed), length) for seed, length in ((60, 7), (61, 5), (62, 3), (63, 6)))]


@suite.check("receptive_field/random_stacks", points=1)
def field_random(ctx):
    """Stacks drawn at random (kernels 1 to 7, strides 1 to 3, up to 7 layers, some of them
    poolings): sizes as measured on PyTorch stacks."""
    for stack in FIELD_DRAWN:
        pairs = [(k, s) for _, k, s in stack]
        with case(f"layers {pairs}"):
            expect_equal(field(ctx.student, pairs), np.array(empirical_field(stack)), "sizes", "receptive_field",
                         source="the measured receptive field", hints=field_hints(pairs))
