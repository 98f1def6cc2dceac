"""The convolution notebook's text and experiment (lecture notes 3)."""

TITLE = "Convolution and pooling"

INTRO = r"""
# Convolution and pooling

*Lecture notes, chapter 3: filters, stride, padding, parameter sharing, pooling and the
receptive field of stacked small kernels.*

A fully connected layer looks at every pixel with its own weight. A **convolutional layer**
looks at a small window at a time, with a small set of weights — a **filter** (or kernel) — and
slides that window over the whole image.

## Filters over channels (notes 3.2-3.3)

A colour image has three channels, R, G and B. A filter has one small kernel per channel; at
every position it multiplies each channel's window by its kernel element by element, adds
**everything** up and adds the filter's bias — the notes' example:

$$\text{out}[1,1,1] = R \odot F_1^{(1)} + G \odot F_1^{(2)} + B \odot F_1^{(3)} + b_1 .$$

Each filter gives one **feature map**; $F$ filters give $F$ of them, so the output has $F$
channels. With $x$ of shape $(N, C, H, W)$ and filters $w$ of shape $(F, C, HH, WW)$:

$$\text{out}[n, f, i, j] = \sum_{c, p, q} x_{\text{pad}}[n, c,\; i s + p,\; j s + q]\; w[f, c, p, q] + b[f].$$

The kernel is laid over the window as it is — no rotation. (Mathematicians would call this a
cross-correlation; PyTorch, CS231n and the notes call it convolution.)

## Stride and padding (notes 3.5)

The **stride** $s$ is how far the window moves each step: stride 1 keeps detail (a large feature
map), a larger stride gives a smaller map and faster training. **Padding** adds a border of $p$
zeros on every side: without it, border pixels are covered by fewer windows than central ones;
with it, edges get their share and the output can keep the input's size. The output size is

$$H' = 1 + \left\lfloor \frac{H + 2p - HH}{s} \right\rfloor ,$$

rounded down, as PyTorch does: a window that would hang over the edge is dropped. For a
$32\times32$ image, a $3\times3$ filter with $p = 1$, $s = 1$ gives $32\times32$; with $s = 2$,
$16\times16$.

## Parameter sharing (notes 3.6)

The same filter is used at every position: a $3\times3$ filter on 3 channels has
$3 \cdot 3 \cdot 3 + 1 = 28$ parameters whatever the image size. In the backward pass, every
position a weight was used at contributes to its gradient, so $\partial L / \partial w$ and
$\partial L / \partial b$ are **sums** over all images and all positions.

## Pooling (notes 3.7)

A **max-pooling** layer keeps the largest value of each window and compresses the feature map.
Its backward pass sends each window's gradient to the position of that maximum (the max gate of
chapter 2). When windows overlap (stride smaller than the window), one position can be the
maximum of several windows: it receives the **sum** of their gradients.

## Stacking small kernels (notes 3.4, 3.9)

Conv → ReLU → conv → ReLU → pool, repeated, condenses low-level features (edges) into abstract
ones. Every layer widens what one output unit sees, its **receptive field**: two stacked
$3\times3$ layers see $5\times5$ input pixels, three see $7\times7$ — as much as one $7\times7$
kernel, with fewer parameters and more non-linearities.

Implement the four functions in order; each test cell checks its function.
"""

SETUP = r"""
Run this cell first: it imports what the functions below may use.
"""

SECTIONS = {
    "conv_forward": r"""
## 1. The convolutional layer, forward

Check the arguments first (a `ValueError` naming the bad one), pad `x` with `np.pad`, then
compute every output position. A loop over the output positions `(i, j)` that handles all
images and filters at once (`np.tensordot` or `np.einsum` over the channel and window axes) is
correct and reasonably fast; the reference uses no Python loop at all
(`sliding_window_view` turns the windows into an array axis).
""",
    "conv_backward": r"""
## 2. The convolutional layer, backward

Each output position read one window of `x_pad` with the weights `w[f]`. Going back:
`db` sums `dout` over images and positions; `dw[f]` adds up `dout[n, f, i, j]` times the window
it read; `dx_pad` receives `dout[n, f, i, j] * w[f]` **added** into the window it came from.
Finally cut the padding off: `dx` has the shape of `x`.
""",
    "max_pool_forward": r"""
## 3. Max pooling, forward

`pool_size × pool_size` windows, `stride` apart, no padding; keep each window's maximum, and in
the cache what the backward pass needs to find it again.
""",
    "max_pool_backward": r"""
## 4. Max pooling, backward

Each window sends its gradient to its maximum (the first one in row-major order when there is a
tie, as `np.argmax` on the flattened window picks it). Windows may overlap: **add** (`+=`), never
overwrite.
""",
    "residual_forward": r"""
## 5. The residual block, forward (notes 3.8)

Two convolutions of your own (`conv_forward`, stride 1, `pad = k // 2` so that the size is
kept), a ReLU after the first, and the shortcut: add `x` to the second convolution's output,
*then* apply the last ReLU. Check `k` (odd) and the shapes of the weights first.
""",
    "residual_backward": r"""
## 6. The residual block, backward

Walk the forward pass backwards with your `conv_backward`. The last ReLU gates `dout`; the gated
gradient goes to **both** terms of the sum: into the convolutions, and straight to `x` along the
shortcut. `dx` is the sum of what comes back along the two paths.
""",
    "receptive_field": r"""
## 7. The receptive field (notes 3.9)

Keep two numbers while walking up the stack: the field `r` (how many input pixels one unit
sees) and the jump `j` (how many input pixels apart two neighbouring units are). A layer with
kernel `k` and stride `s` adds `k - 1` jumps to the field, then multiplies the jump by `s`.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 5. Experiment: what a small convolutional network learns

A network of your layers — conv (8 filters, $3\times3$, pad 1) → ReLU → max pool $2\times2$ →
affine → softmax — trained on scikit-learn's $8\times8$ digits with the momentum update of
chapter 2. Then we look at the 8 learned filters and at the 8 feature maps they make of one
digit.
"""),
    ("code", r"""
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

digits = load_digits()
order = np.random.default_rng(0).permutation(len(digits.target))
images, labels = digits.images[order][:, None] / 16.0, digits.target[order]  # (N, 1, 8, 8)
X_train, y_train, X_val, y_val = images[500:], labels[500:], images[:500], labels[:500]

rng = np.random.default_rng(0)
params = {"w": rng.normal(scale=np.sqrt(2 / 9), size=(8, 1, 3, 3)), "b": np.zeros(8),
          "W": rng.normal(scale=np.sqrt(2 / 128), size=(128, 10)), "c": np.zeros(10)}
previous = {k: v.copy() for k, v in params.items()}


def scores_of(params, x):
    conv_out, conv_cache = conv_forward(x, params["w"], params["b"], 1, 1)
    pooled, pool_cache = max_pool_forward(np.maximum(conv_out, 0), 2, 2)
    return pooled.reshape(len(x), -1) @ params["W"] + params["c"], (conv_out, conv_cache, pooled, pool_cache)


losses = []
for step in range(300):
    rows = rng.choice(len(y_train), size=64, replace=False)
    scores, (conv_out, conv_cache, pooled, pool_cache) = scores_of(params, X_train[rows])
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    losses.append(-np.mean(np.log(probs[np.arange(64), y_train[rows]])))
    probs[np.arange(64), y_train[rows]] -= 1
    dscores = probs / 64
    grads = {"W": pooled.reshape(64, -1).T @ dscores, "c": dscores.sum(axis=0)}
    dpooled = (dscores @ params["W"].T).reshape(pooled.shape)
    dconv = max_pool_backward(dpooled, pool_cache) * (conv_out > 0)
    _, grads["w"], grads["b"] = conv_backward(dconv, conv_cache)
    updated = {k: params[k] - 0.1 * grads[k] + 0.9 * (params[k] - previous[k]) for k in params}
    previous, params = params, updated

accuracy = np.mean(np.argmax(scores_of(params, X_val)[0], axis=1) == y_val)
print(f"validation accuracy after 300 steps: {accuracy:.3f}")

digit = X_val[:1]
maps = np.maximum(conv_forward(digit, params["w"], params["b"], 1, 1)[0][0], 0)
fig, axes = plt.subplots(3, 8, figsize=(12, 4.8))
for f in range(8):
    axes[0, f].imshow(params["w"][f, 0], cmap="RdBu_r", vmin=-np.abs(params["w"]).max(), vmax=np.abs(params["w"]).max())
    axes[0, f].set_title(f"filter {f}")
    axes[1, f].imshow(maps[f], cmap="viridis")
    axes[1, f].set_title(f"map {f}")
    axes[2, f].axis("off")
axes[2, 0].imshow(digit[0, 0], cmap="gray_r")
axes[2, 0].set_title(f"the digit ({y_val[0]})")
axes[2, 0].axis("on")
axes[2, 1].plot(losses)
axes[2, 1].set_title("training loss")
axes[2, 1].axis("on")
for ax in axes[:2].ravel():
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
The filters (red positive, blue negative) are small edge and stroke detectors; each feature map
lights up where its filter's pattern occurs in the digit.

## 6. Experiment: the receptive field of stacked 3×3 kernels

Which input pixels can change one output unit? Send a gradient of 1 from the centre unit back
through the layers with your `conv_backward` and see where it lands. We compare one, two and
three stacked $3\times3$ convolutions (stride 1, pad 1) with a single $7\times7$ kernel, and
count the weights of each with $C$ = 64 channels in and out.
"""),
    ("code", r"""
def receptive_field(kernel_sizes, size=15):
    x = np.zeros((1, 1, size, size))
    saved = []
    for k in kernel_sizes:
        x, cache = conv_forward(x, np.ones((1, 1, k, k)), np.zeros(1), 1, k // 2)
        saved.append(cache)
    grad = np.zeros_like(x)
    grad[0, 0, size // 2, size // 2] = 1.0
    for cache in reversed(saved):
        grad = conv_backward(grad, cache)[0]
    return grad[0, 0]


C = 64
stacks = {"one 3x3": [3], "two 3x3": [3, 3], "three 3x3": [3, 3, 3], "one 7x7": [7]}
fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
for ax, (name, kernels) in zip(axes, stacks.items()):
    field = receptive_field(kernels)
    rows = np.flatnonzero(field.any(axis=1))
    side = rows[-1] - rows[0] + 1
    weights = sum(k * k * C * C for k in kernels)
    ax.imshow(field, cmap="magma")
    ax.set_title(f"{name}: sees {side}x{side}\n{weights:,} weights for C={C}")
    ax.set_xticks([])
    ax.set_yticks([])
    print(f"{name:10s} receptive field {side}x{side}, {weights:,} weights")
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
Three stacked $3\times3$ layers see the same $7\times7$ window as one $7\times7$ kernel, with
$27C^2$ weights instead of $49C^2$ — and with a ReLU between the layers, a more expressive
function. The stacked field is also not flat: central pixels reach the output along many more
paths than border ones (brighter in the picture), which is why the notes prefer stacks of
small kernels.
"""),
]
