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
    # YOUR CODE HERE
    raise NotImplementedError("conv_forward is not implemented yet: replace this line with your code.")


def conv_backward(dout, cache):
    """Backward pass of conv_forward.

    Args:
        dout: (N, F, H', W') upstream gradient.
        cache: from conv_forward.

    Returns:
        dx: (N, C, H, W), dw: (F, C, HH, WW), db: (F,) — each summed over every image and every
        position the filter visited (parameter sharing); padding gets no gradient.
    """
    # YOUR CODE HERE
    raise NotImplementedError("conv_backward is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("max_pool_forward is not implemented yet: replace this line with your code.")


def max_pool_backward(dout, cache):
    """Backward pass of max_pool_forward: each window passes its gradient to the position of its
    maximum (the first one in row-major order if several are equal); where windows overlap, a
    position that is the maximum of several windows receives the sum of their gradients.

    Returns:
        dx: (N, C, H, W).
    """
    # YOUR CODE HERE
    raise NotImplementedError("max_pool_backward is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("residual_forward is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("residual_backward is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("receptive_field is not implemented yet: replace this line with your code.")
