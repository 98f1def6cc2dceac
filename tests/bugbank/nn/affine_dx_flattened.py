"""Returns dx flattened to (N, D) instead of x's shape."""
FAILS = {"affine_backward/shapes", "affine_backward/values", "affine_backward/numeric_gradient",
         "affine_backward/vs_reference"}
HINTS = {"affine_backward/shapes": "reshape it to x.shape"}


def affine_backward(dout, cache):
    x, w = cache
    return dout @ w.T, x.reshape(x.shape[0], -1).T @ dout, dout.sum(axis=0)
