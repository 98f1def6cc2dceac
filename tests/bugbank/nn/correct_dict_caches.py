"""Correct, written differently: dict caches, masks kept as booleans, relu via np.where."""
FAILS = set()

import numpy as np


def affine_forward(x, w, b):
    flat = x.reshape(len(x), -1)
    return flat.dot(w) + b, {"x_shape": x.shape, "flat": flat, "w": w}


def affine_backward(dout, cache):
    return dout.dot(cache["w"].T).reshape(cache["x_shape"]), cache["flat"].T.dot(dout), np.sum(dout, axis=0)


def relu_forward(x):
    positive = x > 0
    return np.where(positive, x, 0.0), {"positive": positive}


def relu_backward(dout, cache):
    return np.where(cache["positive"], dout, 0.0)


def dropout_forward(x, p, train, rng):
    if not train:
        return np.array(x, copy=True), {"train": False}
    keep = rng.uniform(size=x.shape) >= p
    return np.where(keep, x / (1 - p), 0.0), {"train": True, "keep": keep, "p": p}


def dropout_backward(dout, cache):
    if not cache["train"]:
        return np.array(dout, copy=True)
    return np.where(cache["keep"], dout / (1 - cache["p"]), 0.0)
