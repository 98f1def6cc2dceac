"""kNN: the reference compute_distances on 500 x 5000 x 3072 float64 (CIFAR-10 sized), against
the plain GEMM it is built on and against torch.cdist, measured in the same run.
Goal: at most 1.3x the GEMM."""

from __future__ import annotations

import numpy as np
from common import interleaved, reference

GOAL = 1.3


def run(repeats: int = 5, N: int = 500, M: int = 5000, D: int = 3072) -> dict:
    import torch

    rng = np.random.default_rng(0)
    X_train = rng.random((M, D))
    X_test = rng.random((N, D))
    T_train, T_test = torch.from_numpy(X_train), torch.from_numpy(X_test)
    knn = reference("knn")
    medians = interleaved(
        {
            "GEMM X_test @ X_train.T": lambda: X_test @ X_train.T,
            "reference compute_distances": lambda: knn.compute_distances(X_train, X_test),
            "torch.cdist": lambda: torch.cdist(T_test, T_train),
        },
        repeats,
    )
    gemm = medians["GEMM X_test @ X_train.T"]
    ours = medians["reference compute_distances"]
    print(f"compute_distances, N={N} test x M={M} train x D={D}, float64, median of {repeats}:")
    for name, seconds in medians.items():
        print(f"  {name:<30} {seconds * 1e3:9.1f} ms   {seconds / gemm:5.2f}x GEMM")
    ratio = ours / gemm
    print(f"  reference / GEMM = {ratio:.2f} (goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'}); "
          f"reference / torch.cdist = {ours / medians['torch.cdist']:.2f}")
    return {"ratio_to_gemm": ratio, "ratio_to_torch": ours / medians["torch.cdist"], **medians}
