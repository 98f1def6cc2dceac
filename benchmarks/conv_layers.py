"""Convolution and pooling: the reference conv_forward, conv_backward, max_pool_forward and
max_pool_backward against PyTorch's F.conv2d / F.max_pool2d (forward, and backward by autograd
on a kept graph), float64, stride 1 pad 1 with 3x3 filters, 2x2 pooling at stride 2, measured in
blocks taking turns in the same run (see ``common.settled``: each library's thread pool is let
go quiet before the other one is timed). Goals: forward <= 2x, backward <= 2.5x PyTorch."""

from __future__ import annotations

import numpy as np
from common import reference, settled

SHAPES = [((64, 3, 32, 32), (32, 3, 3, 3)), ((16, 64, 16, 16), (64, 64, 3, 3))]
GOALS = {"conv forward": 2.0, "conv backward": 2.5}


def run(rounds: int = 5, shapes=SHAPES, settle: float = 0.3) -> dict:
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
