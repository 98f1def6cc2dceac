"""Recipes for objects that cannot cross the door as plain data: PyTorch tensors, modules and
optimisers, built on the student's side from plain arguments (``Build("tensor", array)``), and
readers that turn such objects back into plain data (``Build("parameters", module_handle)``).

They run inside the worker (whose fork server has imported PyTorch already) through
``door.build`` or as a call's arguments, with any Handle among their arguments resolved first.
Readers use the base classes' methods (``torch.nn.Module.parameters(module)``), not whatever a
student's code may have attached to the instance. Nothing here imports PyTorch at import time.
"""

from __future__ import annotations

import numpy as np


def _torch():
    import torch

    return torch


def tensor(array, requires_grad: bool = False):
    torch = _torch()
    return torch.tensor(np.asarray(array, dtype=np.float64), requires_grad=bool(requires_grad))


def mlp(seed: int, sizes, slope: float = 0.2):
    """Linear layers of ``sizes`` (float64) with LeakyReLU(slope) between them, initialised from
    ``numpy.random.default_rng(seed)`` like PyTorch's default (uniform within 1/sqrt(fan_in)):
    the same network wherever it is built, without touching PyTorch's global random state."""
    torch = _torch()
    rng = np.random.default_rng(int(seed))
    layers = []
    sizes = [int(s) for s in sizes]
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = torch.nn.Linear(fan_in, fan_out).double()
        bound = 1.0 / np.sqrt(fan_in)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(rng.uniform(-bound, bound, size=(fan_out, fan_in))))
            linear.bias.copy_(torch.from_numpy(rng.uniform(-bound, bound, size=fan_out)))
        layers.append(linear)
        if index < len(sizes) - 2:
            layers.append(torch.nn.LeakyReLU(float(slope)))
    return torch.nn.Sequential(*layers)


def _parameters(module) -> list:
    return list(_torch().nn.Module.parameters(module))


def adam(module, lr: float, beta1: float = 0.9, beta2: float = 0.999):
    return _torch().optim.Adam(_parameters(module), lr=float(lr), betas=(float(beta1), float(beta2)))


def sgd(module, lr: float, momentum: float = 0.0):
    return _torch().optim.SGD(_parameters(module), lr=float(lr), momentum=float(momentum))


def parameters(module) -> list[np.ndarray]:
    """Copies of a module's parameters, in ``parameters()`` order."""
    return [p.detach().numpy().copy() for p in _parameters(module)]


def gradients(module) -> list:
    """Copies of a module's parameters' ``.grad`` (None where there is none)."""
    return [None if p.grad is None else p.grad.detach().numpy().copy() for p in _parameters(module)]


def stale_gradients(module, seed: int) -> None:
    """Leaves random numbers in every parameter's ``.grad``, as an earlier backward would."""
    torch = _torch()
    rng = np.random.default_rng(int(seed))
    for p in _parameters(module):
        p.grad = torch.from_numpy(rng.normal(size=tuple(p.shape)))


def forward(module, array) -> np.ndarray:
    """``module(array)`` without gradients, as an array."""
    torch = _torch()
    with torch.no_grad():
        out = torch.nn.Module.__call__(module, torch.from_numpy(np.asarray(array, dtype=np.float64)))
    return np.asarray(out.detach().numpy(), dtype=np.float64).copy()


def value_and_gradients(output, inputs) -> tuple:
    """(float(output), [d output / d input as arrays; None where output does not depend on it])
    for a scalar tensor ``output``; raises TypeError or ValueError with a message for the student
    when output is not a differentiable scalar tensor."""
    torch = _torch()
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor, got {type(output).__name__}")
    if output.numel() != 1:
        raise ValueError(f"expected a scalar tensor, got shape {tuple(output.shape)}")
    if not output.requires_grad:
        raise ValueError("the result does not require grad: it was computed outside autograd "
                         "(detach, .item(), NumPy, or torch.no_grad)")
    grads = torch.autograd.grad(output, list(inputs), allow_unused=True)
    return float(output.detach()), [None if g is None else g.detach().numpy().copy() for g in grads]


BUILDERS = {
    "tensor": tensor,
    "mlp": mlp,
    "adam": adam,
    "sgd": sgd,
    "parameters": parameters,
    "gradients": gradients,
    "stale_gradients": stale_gradients,
    "forward": forward,
    "value_and_gradients": value_and_gradients,
}
