"""Helpers shared by the suites of layer assignments (nn, conv): calling a ``*_forward`` that
returns ``(out, cache)``, validating returned gradients, PyTorch's vector-Jacobian products and
the numeric check of a backward pass against the student's own forward pass. Public: it ships
in the student bundle."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..core.gradcheck import DoorFunction, expect_gradient
from ..core.tolerances import TOLERANCES
from ..core.verdicts import (
    Hint,
    expect_array,
    expect_close,
    expect_dtype,
    expect_returns,
    expect_shape,
    expect_unchanged,
)


def forward_pair(value, function: str) -> tuple:
    """A *_forward's value, which must be the pair (out, cache)."""
    return expect_returns(value, ("out", "cache"), function, Hint("common/return_out_cache", "return out, cache"),
                          shown="a pair (out, cache)")


def call_forward(door, function: str, *args, out_shape: tuple | None = None, shape_hints: Sequence[Hint] = ()):
    """(out, cache handle or plain cache) of a *_forward, with out checked for type and shape."""
    value = forward_pair(door.call(function, *args).value, function)
    out = expect_array(value[0], "out", function)
    if out_shape is not None:
        expect_shape(out, out_shape, "out", function, shape_hints)
    expect_dtype(out, "f", "out", function)
    return out, value[1]


def expect_gradient_array(value, name: str, function: str, shape: tuple, hints=()) -> np.ndarray:
    array = expect_array(value, name, function)
    expect_shape(array, shape, name, function, hints)
    expect_dtype(array, "f", name, function)
    return array


def expect_gradients(value, names: Sequence[str], function: str, shapes: Sequence[tuple],
                     hints: dict | None = None) -> tuple[np.ndarray, ...]:
    """A backward's tuple of gradients, each an array of float in the given shape."""
    if len(names) == 1:
        return (expect_gradient_array(value, names[0], function, shapes[0], (hints or {}).get(names[0], ())),)
    value = expect_returns(value, names, function)
    return tuple(expect_gradient_array(v, n, function, s, (hints or {}).get(n, ()))
                 for v, n, s in zip(value, names, shapes))


def torch_vjp(fn: Callable, inputs: Sequence[np.ndarray], dout: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """PyTorch's output of fn(*inputs) and the gradients of sum(out * dout) for every input."""
    import torch

    tensors = [torch.tensor(np.array(a, dtype=np.float64, order="C"), requires_grad=True) for a in inputs]
    out = fn(*tensors)
    out.backward(torch.from_numpy(np.asarray(dout, dtype=np.float64)))
    return out.detach().numpy(), [t.grad.numpy().copy() for t in tensors]


def numeric_layer_check(door, forward: str, backward: str, inputs: list[np.ndarray], names: list[str],
                        seed: int, options: tuple = ()) -> None:
    """The student's backward against central differences of the student's own forward;
    ``options`` are further (non-differentiable) arguments of the forward, such as a stride."""
    rng = np.random.default_rng(seed)
    out, cache = call_forward(door, forward, *inputs, *options)
    dout = rng.normal(size=out.shape)
    grads = door.call(backward, dout, cache).value
    grads = grads if isinstance(grads, tuple) else (grads,)
    f = DoorFunction(door, lambda through, *perturbed: call_forward(through, forward, *perturbed, *options)[0])
    for index, name in enumerate(names):
        expect_gradient(f, inputs, index, grads[index] if index < len(grads) else None, dout, function=backward,
                        argument=name, gradient_name=f"d{name}", rng=rng)


def expect_backward_leaves_alone(door, backward: str, upstream: dict, cache, gradients: Sequence[str],
                                 shapes: Sequence[tuple], advice: Hint) -> None:
    """``backward(*upstream, cache)`` must leave its upstream gradients and the cache as they
    were: the arguments are compared after the call, and a second call with the same cache
    must give the same gradients (which catches a cache changed in place on the student's side,
    where the grader cannot see it)."""
    first = door.call(backward, *upstream.values(), cache)
    expect_unchanged(backward, [*upstream, "cache"], [*upstream.values(), cache], first)
    second = door.call(backward, *upstream.values(), cache).value
    for name, a, b in zip(gradients, expect_gradients(first.value, gradients, backward, shapes),
                          expect_gradients(second, gradients, backward, shapes)):
        expect_close(b, a, name, f"{backward} (second call, same cache)", tolerance=TOLERANCES["value"],
                     source="the first call", hints=[advice])
