"""Multiplies x by w without flattening each sample first: fine for (N, D) inputs, wrong for
(N, d1, d2)."""
FAILS = {"affine_forward/values", "affine_backward/shapes", "affine_backward/values",
         "affine_backward/numeric_gradient", "affine_backward/vs_reference"}


def affine_forward(x, w, b):
    return x @ w + b, (x, w)
