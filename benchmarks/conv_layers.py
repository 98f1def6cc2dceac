"""Convolution and pooling: the reference conv_forward, conv_backward, max_pool_forward and
max_pool_backward against PyTorch's F.conv2d / F.max_pool2d (forward, and backward by autograd
on a kept graph), float64, stride 1 pad 1 with 3x3 filters, 2x2 pooling at stride 2, measured in
blocks taking turns in the same run (see ``common.settled``: each library's thread pool is let
go quiet before the other one is timed). Goals: forward <= 2x, backward <= 2.5x PyTorch.

The residual block (notes 3.8): the reference residual_forward + residual_backward, which call
its conv_forward / conv_backward, against the same block in PyTorch (F.conv2d, relu, the
shortcut; forward and autograd backward), x (16, 64, 16, 16), 3x3 kernels, float64. Goal <= 2.5x."""

from __future__ import annotations

import numpy as np
from common import reference, settled

SHAPES = [((64, 3, 32, 32), (32, 3, 3, 3)), ((16, 64, 16, 16), (64, 64, 3, 3))]
GOALS = {"conv forward": 2.0, "conv backward": 2.5, "residual block": 2.5}
RESIDUAL_SHAPES = [((16, 64, 16, 16), 3)]


def run(rounds: int = 5, shapes=SHAPES, settle: float = 0.3, residual_shapes=RESIDUAL_SHAPES) -> dict:
    ratios = run_layers(rounds, shapes, settle)
    ratios.update(run_residual(rounds, residual_shapes, settle))
    return ratios


def run_residual(rounds: int, shapes, settle: float) -> dict:
    """The forward and backward passes of the block together, each side with its own kind of
    cache: the reference's tuple, PyTorch's graph (built and differentiated each time)."""
    import torch
    import torch.nn.functional as F

    conv = reference("conv")
    rng = np.random.default_rng(1)
    ratios = {}
    print(f"residual block (notes 3.8), forward + backward, float64, median of {rounds} x 5 calls:")
    for x_shape, k in shapes:
        C = x_shape[1]
        scale = 1 / np.sqrt(C * k * k)
        x = rng.normal(size=x_shape)
        w1, w2 = rng.normal(scale=scale, size=(C, C, k, k)), rng.normal(scale=scale, size=(C, C, k, k))
        b1, b2 = rng.normal(size=C), rng.normal(size=C)
        dout = rng.normal(size=x_shape)
        tensors = [torch.tensor(a, requires_grad=True) for a in (x, w1, b1, w2, b2)]
        t_dout = torch.from_numpy(dout)

        def ours():
            out, cache = conv.residual_forward(x, w1, b1, w2, b2)
            return conv.residual_backward(dout, cache)

        def theirs():
            t_x, t_w1, t_b1, t_w2, t_b2 = tensors
            h = F.relu(F.conv2d(t_x, t_w1, t_b1, padding=k // 2))
            out = F.relu(F.conv2d(h, t_w2, t_b2, padding=k // 2) + t_x)
            return torch.autograd.grad(out, tensors, t_dout)

        for _ in range(3):  # warm PyTorch up
            theirs()
        medians = settled({"residual/reference": ours, "residual/PyTorch": theirs}, rounds, settle=settle)
        mine, torch_time = medians["residual/reference"], medians["residual/PyTorch"]
        ratio = mine / torch_time
        ratios[(x_shape, "residual block")] = ratio
        goal = GOALS["residual block"]
        print(f"  x {x_shape}, k={k}: reference {mine * 1e3:8.2f} ms  PyTorch {torch_time * 1e3:8.2f} ms  "
              f"ratio {ratio:5.2f} (goal <= {goal}x: {'met' if ratio <= goal else 'MISSED'})")
    return ratios


def run_layers(rounds: int, shapes, settle: float) -> dict:
    import torch
    import torch.nn.functional as F

    conv = reference("conv")
    rng = np.random.default_rng(0)
    ratios = {}
    threads = torch.get_num_threads()
    print(f"convolution and pooling, float64, median of {rounds} x 5 calls (PyTorch {threads} threads):")
    for x_shape, w_shape in shapes:
        x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
        out, cache = conv.conv_forward(x, w, b, 1, 1)
        dout = rng.normal(size=out.shape)
        pooled, pool_cache = conv.max_pool_forward(out, 2, 2)
        dpooled = rng.normal(size=pooled.shape)

        tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
        t_out = F.conv2d(*tensors, stride=1, padding=1)
        t_dout = torch.from_numpy(dout)
        t_in = torch.tensor(out, requires_grad=True)
        t_pooled = F.max_pool2d(t_in, 2, 2)
        t_dpooled = torch.from_numpy(dpooled)
        for _ in range(3):  # warm PyTorch up (thread pool, allocator) before measuring
            F.conv2d(*tensors, stride=1, padding=1)
            torch.autograd.grad(t_out, tensors, t_dout, retain_graph=True)

        medians = settled({
            "conv forward/reference": lambda: conv.conv_forward(x, w, b, 1, 1),
            "conv forward/PyTorch": lambda: F.conv2d(*tensors, stride=1, padding=1),
            "conv backward/reference": lambda: conv.conv_backward(dout, cache),
            "conv backward/PyTorch": lambda: torch.autograd.grad(t_out, tensors, t_dout, retain_graph=True),
            "pool forward/reference": lambda: conv.max_pool_forward(out, 2, 2),
            "pool forward/PyTorch": lambda: F.max_pool2d(t_in, 2, 2),
            "pool backward/reference": lambda: conv.max_pool_backward(dpooled, pool_cache),
            "pool backward/PyTorch": lambda: torch.autograd.grad(t_pooled, t_in, t_dpooled, retain_graph=True),
        }, rounds, settle=settle)
        print(f"  x {x_shape}, w {w_shape}:")
        for layer in ("conv forward", "conv backward", "pool forward", "pool backward"):
            ours, theirs = medians[f"{layer}/reference"], medians[f"{layer}/PyTorch"]
            ratio = ours / theirs
            ratios[(x_shape, layer)] = ratio
            met = layer in GOALS and ratio <= GOALS[layer]
            goal = f" (goal <= {GOALS[layer]}x: {'met' if met else 'MISSED'})" if layer in GOALS else ""
            print(f"    {layer:<14} reference {ours * 1e3:8.2f} ms  PyTorch {theirs * 1e3:8.2f} ms  "
                  f"ratio {ratio:5.2f}{goal}")
    return ratios
