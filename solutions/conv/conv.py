"""Convolution and max pooling, forward and backward (lecture notes 3).

Images are (N, C, H, W): N images of C channels (R, G, B for a colour image), H rows and W
columns. A convolutional layer has F filters, each (C, HH, WW): a filter covers every channel of
a window, the products are summed over the channels and the window, and the filter's bias is
added (the notes' ``R .* F1 + G .* F1 + B .* F1 + bias``). The same filter slides over the whole
image (parameter sharing), moving ``stride`` pixels at a time, over the image zero-padded by
``pad`` pixels on every side.

As in PyTorch, CS231n and the notes, the filter is *not* flipped: this is a cross-correlation.

Each ``*_forward`` returns ``(out, cache)`` and its ``*_backward`` takes the upstream gradient
and that cache. Loops over filters, channels or kernel positions are fine; a loop over every
pixel of every image is correct too, but slow.

The residual block (notes 3.8) is built from your own ``conv_forward`` and ``conv_backward``:
call them, do not write the convolution a second time. The receptive field (notes 3.9) needs
only the kernels and strides of a stack of layers.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_forward(x, w, b, stride=1, pad=0):
    """Convolutional layer (cross-correlation, no kernel flip).

    Args:
        x: (N, C, H, W) images.
        w: (F, C, HH, WW) filters.
        b: (F,) biases, one per filter.
        stride: step between windows, an int >= 1, the same along rows and columns.
        pad: zeros added on every side of x (top, bottom, left and right), an int >= 0.

    Returns:
        out: (N, F, H', W') with ``H' = 1 + (H + 2*pad - HH) // stride`` (floor, as
            ``torch.nn.functional.conv2d``) and likewise W';
            ``out[n, f, i, j] = sum(x_padded[n, :, i*stride : i*stride+HH, j*stride : j*stride+WW] * w[f]) + b[f]``.
        cache: what conv_backward needs.

    Raises:
        ValueError (naming the bad argument) if stride < 1, pad < 0, the channels of x and w
        differ, or the filter does not fit in the padded input (H' < 1 or W' < 1).
    """
    ### BEGIN SOLUTION
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise ValueError(f"stride must be an integer >= 1; got {stride!r}")
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be an integer >= 0; got {pad!r}")
    if x.ndim != 4 or w.ndim != 4 or b.shape != (w.shape[0],):
        raise ValueError(f"x must be (N, C, H, W), w (F, C, HH, WW) and b (F,); got x {x.shape}, w {w.shape}, "
                         f"b {b.shape}")
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError(f"x has {C} channels but the filters w have {C_w}: x {x.shape}, w {w.shape}")
    H_out, W_out = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError(f"the filter w ({HH}x{WW}) does not fit in x ({H}x{W}) padded by pad={pad}")
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    # Every window as an array axis, without copying: (N, C, H', W', HH, WW).
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :H_out, :W_out]
    K, P = C * HH * WW, H_out * W_out
    w_rows, bias = w.reshape(F, K), b[:, None, None]
    out = np.empty((N, F, P), dtype=np.result_type(x, w, b, np.float64))
    # im2col and one matrix product per chunk of images: the columns (a row per (c, di, dj), a
    # column per output position) and the chunk's output stay in the CPU cache (about 2 MB).
    chunk = max(1, (1 << 21) // (8 * K * P))
    for start in range(0, N, chunk):
        part = windows[start:start + chunk]
        cols = part.transpose(1, 4, 5, 0, 2, 3).reshape(K, -1)
        block = (w_rows @ cols).reshape(F, len(part), P)
        block += bias
        out[start:start + chunk] = block.transpose(1, 0, 2)
    return out.reshape(N, F, H_out, W_out), (x.shape, xp, w, stride, pad)
    ### END SOLUTION


def conv_backward(dout, cache):
    """Backward pass of conv_forward.

    Args:
        dout: (N, F, H', W') upstream gradient.
        cache: from conv_forward.

    Returns:
        dx: (N, C, H, W), dw: (F, C, HH, WW), db: (F,) — each summed over every image and every
        position the filter visited (parameter sharing); padding gets no gradient.
    """
    ### BEGIN SOLUTION
    x_shape, xp, w, stride, pad = cache
    N, F, H_out, W_out = dout.shape
    _, C, HH, WW = w.shape
    K, P = C * HH * WW, H_out * W_out
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :H_out, :W_out]
    w_rows = w.reshape(F, K)
    d = dout.reshape(N, F, P)
    db = d.sum(axis=(0, 2))  # the bias was added at every position of every image
    dw = np.zeros((F, K), dtype=np.result_type(dout, w, np.float64))
    dxp = np.zeros(xp.shape, dtype=dw.dtype)
    rows_end, cols_end = stride * (H_out - 1) + 1, stride * (W_out - 1) + 1
    chunk = max(1, (1 << 21) // (8 * K * P))
    for start in range(0, N, chunk):
        part = windows[start:start + chunk]
        cols = part.transpose(1, 4, 5, 0, 2, 3).reshape(K, -1)
        d_part = d[start:start + chunk].transpose(1, 0, 2).reshape(F, -1)
        dw += d_part @ cols.T  # summed over the chunk's images and positions
        dcols = (w_rows.T @ d_part).reshape(C, HH, WW, len(part), H_out, W_out)
        # col2im: each window adds its gradient back where it read its input, one kernel offset
        # (di, dj) at a time; overlapping windows add up.
        target = dxp[start:start + chunk]
        for di in range(HH):
            for dj in range(WW):
                target[:, :, di:di + rows_end:stride, dj:dj + cols_end:stride] += dcols[:, di, dj].transpose(1, 0, 2, 3)
    H, W = x_shape[2], x_shape[3]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw.reshape(w.shape), db
    ### END SOLUTION


def max_pool_forward(x, pool_size=2, stride=2):
    """Max pooling over pool_size x pool_size windows, no padding.

    Args:
        x: (N, C, H, W).
        pool_size: the window's height and width, an int >= 1.
        stride: step between windows, an int >= 1; windows overlap when stride < pool_size.

    Returns:
        out: (N, C, H', W') with ``H' = 1 + (H - pool_size) // stride``, likewise W'; each entry
            the maximum of its window.
        cache: what max_pool_backward needs.

    Raises:
        ValueError if pool_size or stride is below 1 or the window does not fit in x.
    """
    ### BEGIN SOLUTION
    for name, value in (("pool_size", pool_size), ("stride", stride)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W); got shape {x.shape}")
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - pool_size) // stride, 1 + (W - pool_size) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError(f"the {pool_size}x{pool_size} window (pool_size) does not fit in x ({H}x{W})")
    k, s = pool_size, stride
    rows_end, cols_end = s * (H_out - 1) + 1, s * (W_out - 1) + 1
    # One strided slice per position (di, dj) in the window, in row-major order; a strictly
    # larger value replaces the best so far, so ties keep the first maximum, as PyTorch.
    out = x[:, :, 0:rows_end:s, 0:cols_end:s].copy()
    where = np.zeros(out.shape, dtype=np.int32)
    for di in range(k):
        for dj in range(k):
            if di or dj:
                candidate = x[:, :, di:di + rows_end:s, dj:dj + cols_end:s]
                better = candidate > out
                np.copyto(out, candidate, where=better)
                where[better] = di * k + dj
    return out, (x.shape, where, k, s)
    ### END SOLUTION


def max_pool_backward(dout, cache):
    """Backward pass of max_pool_forward: each window passes its gradient to the position of its
    maximum (the first one in row-major order if several are equal); where windows overlap, a
    position that is the maximum of several windows receives the sum of their gradients.

    Returns:
        dx: (N, C, H, W).
    """
    ### BEGIN SOLUTION
    x_shape, where, k, s = cache
    N, C, H, W = x_shape
    H_out, W_out = where.shape[2:]
    # The flat index into x of each window's maximum; np.bincount adds up the gradients of
    # windows that share their maximum.
    di, dj = np.divmod(where, k)
    rows = np.arange(H_out)[:, None] * s + di
    columns = np.arange(W_out)[None, :] * s + dj
    flat = (np.arange(N * C).reshape(N, C, 1, 1) * H + rows) * W + columns
    dx = np.bincount(flat.ravel(), weights=dout.ravel(), minlength=N * C * H * W)
    return dx.reshape(x_shape)
    ### END SOLUTION


def residual_forward(x, w1, b1, w2, b2):
    """The basic block of ResNet, without normalisation (lecture notes 3.8).

    ``h = relu(conv(x, w1, b1))`` and ``out = relu(conv(h, w2, b2) + x)``: both convolutions at
    stride 1 with ``pad = k // 2``, so that they keep the size of x and the shortcut ``+ x``
    adds up arrays of the same shape. With ``w2 = 0`` and ``b2 = 0`` the block is ``relu(x)``:
    whatever the convolutions learn, the input still gets through (the notes' "floor").
    You may (and should) call your own ``conv_forward`` here.

    Args:
        x: (N, C, H, W) input.
        w1, w2: (C, C, k, k) filters, k odd (C filters of C channels, so out has x's channels).
        b1, b2: (C,) biases.

    Returns:
        out: (N, C, H, W).
        cache: what residual_backward needs.

    Raises:
        ValueError (naming the bad argument) if k is even, x is not (N, C, H, W), or w1, w2,
        b1, b2 are not (C, C, k, k), (C, C, k, k), (C,), (C,) for x's C.
    """
    ### BEGIN SOLUTION
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W); got shape {x.shape}")
    C = x.shape[1]
    if w1.ndim != 4 or w1.shape[:2] != (C, C) or w1.shape[2] != w1.shape[3]:
        raise ValueError(f"w1 must be (C, C, k, k) with C = {C} (the channels of x); got {w1.shape}")
    k = w1.shape[2]
    if k % 2 == 0:
        raise ValueError(f"the kernel size k of w1 must be odd (pad = k // 2 keeps the size); got k = {k}")
    if w2.shape != w1.shape:
        raise ValueError(f"w2 must be (C, C, k, k) = {w1.shape}, as w1; got {w2.shape}")
    for name, bias in (("b1", b1), ("b2", b2)):
        if bias.shape != (C,):
            raise ValueError(f"{name} must be (C,) = ({C},); got {bias.shape}")
    z1, conv1 = conv_forward(x, w1, b1, 1, k // 2)
    h = np.maximum(z1, 0)
    z2, conv2 = conv_forward(h, w2, b2, 1, k // 2)
    out = np.maximum(z2 + x, 0)
    return out, (conv1, h, conv2, out)
    ### END SOLUTION


def residual_backward(dout, cache):
    """Backward pass of residual_forward. You may call your own ``conv_backward`` here.

    Args:
        dout: (N, C, H, W) upstream gradient.
        cache: from residual_forward.

    Returns:
        dx: (N, C, H, W), dw1, dw2: (C, C, k, k), db1, db2: (C,), in the order
        ``(dx, dw1, db1, dw2, db2)``. dx adds up both paths from x to out: through the two
        convolutions, and along the shortcut.
    """
    ### BEGIN SOLUTION
    conv1, h, conv2, out = cache
    dsum = dout * (out > 0)  # through the last ReLU, to both branches of the sum
    dh, dw2, db2 = conv_backward(dsum, conv2)
    dx_conv, dw1, db1 = conv_backward(dh * (h > 0), conv1)
    return dx_conv + dsum, dw1, db1, dw2, db2
    ### END SOLUTION


def receptive_field(layers):
    """The receptive field of each layer of a stack (lecture notes 3.9).

    Args:
        layers: a list of ``(kernel, stride)`` pairs of ints, the layer nearest the input first;
            convolutions and poolings alike (a pooling window is a kernel here). Padding does
            not change the receptive field and is not given.

    Returns:
        sizes: a list of ints, one per layer: ``sizes[i]`` is the side of the square of input
        pixels that one unit after layer i depends on. Three 3x3 layers at stride 1 give
        ``[3, 5, 7]``.

    Raises:
        ValueError if a kernel or a stride is below 1.
    """
    ### BEGIN SOLUTION
    size, jump, sizes = 1, 1, []
    for index, (kernel, stride) in enumerate(layers):
        if kernel < 1 or stride < 1:
            raise ValueError(f"layer {index}: kernel and stride must be >= 1; got ({kernel}, {stride})")
        size += (kernel - 1) * jump  # k - 1 more units of the layer below, each `jump` input pixels apart
        jump *= stride
        sizes.append(int(size))
    return sizes
    ### END SOLUTION
