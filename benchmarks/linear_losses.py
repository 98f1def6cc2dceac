"""Linear classifiers: the reference svm_loss and softmax_loss (loss and gradient) on N=500,
D=3073, C=10 float64, against PyTorch computing the same loss and its gradient (autograd),
measured in the same run."""

from __future__ import annotations

import numpy as np
from common import interleaved, reference


def run(repeats: int = 20, N: int = 500, D: int = 3073, C: int = 10) -> dict:
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    W, X, y = rng.normal(scale=1e-3, size=(D, C)), rng.normal(size=(N, D)), rng.integers(0, C, size=N)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    reg = 1e-3

    def torch_version(data_loss):
        def run_once():
            W_t = torch.tensor(W, requires_grad=True)
            loss = data_loss(X_t @ W_t, y_t) + reg * (W_t * W_t).sum()
            loss.backward()
            return loss.item(), W_t.grad
        return run_once

    svm, softmax = reference("svm"), reference("softmax")
    medians = interleaved({
        "reference svm_loss": lambda: svm.svm_loss(W, X, y, reg),
        "PyTorch multi_margin_loss*C + backward": torch_version(lambda s, t: F.multi_margin_loss(s, t) * C),
        "reference softmax_loss": lambda: softmax.softmax_loss(W, X, y, reg),
        "PyTorch cross_entropy + backward": torch_version(F.cross_entropy),
    }, repeats)
    print(f"linear losses with gradient, N={N}, D={D}, C={C}, float64, median of {repeats}:")
    for name, seconds in medians.items():
        print(f"  {name:<40} {seconds * 1e3:8.2f} ms")
    ratios = {
        "svm": medians["reference svm_loss"] / medians["PyTorch multi_margin_loss*C + backward"],
        "softmax": medians["reference softmax_loss"] / medians["PyTorch cross_entropy + backward"],
    }
    print(f"  reference / PyTorch: svm_loss {ratios['svm']:.2f}, softmax_loss {ratios['softmax']:.2f}")
    return ratios
