"""A partly wrong two-layer network, as a student might hand it in (used by `dev.sh demo`).

Its mistakes: affine_backward averages db over the samples instead of summing it, and dropout
drops units without rescaling the kept ones. Everything else is right.
"""

import numpy as np


def affine_forward(x, w, b):
    x_flat = x.reshape(x.shape[0], -1)
    return x_flat @ w + b, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = np.mean(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    return x * (x > 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def sigmoid_forward(x):
    out = np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))
    return out, out


def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)


def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = rng.random(x.shape) > p
    return x * mask, mask


def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    return dout * cache


def sgd_momentum(w, dw, w_prev, lr, momentum):
    return w - lr * dw + momentum * (w - w_prev)


def two_layer_net(params, X, y=None, reg=0.0):
    h, c1 = affine_forward(X, params["W1"], params["b1"])
    a, cr = relu_forward(h)
    s, c2 = affine_forward(a, params["W2"], params["b2"])
    if y is None:
        return s
    n = len(y)
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(n), y].mean() + reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    ds = np.exp(logp)
    ds[np.arange(n), y] -= 1
    da, dW2, db2 = affine_backward(ds / n, c2)
    _, dW1, db1 = affine_backward(relu_backward(da, cr), c1)
    return loss, {"W1": dW1 + 2 * reg * params["W1"], "b1": db1, "W2": dW2 + 2 * reg * params["W2"], "b2": db2}
