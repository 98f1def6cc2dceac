"""The convolution notebook's text and experiment (lecture notes 3)."""

TITLE = "Convolution and pooling"

INTRO = r"""
# Convolution and pooling

*Lecture notes, chapter 3: filters, stride, padding, parameter sharing, pooling, residual
networks and the receptive field of stacked small kernels.*

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

## Residual networks (notes 3.8)

Stacking more layers should never hurt: a deeper network could copy the shallower one and let
its extra layers do nothing. In practice, a plain deep stack trains *worse* than a shallow one
(its signal and its gradient fade through many layers). ResNet's answer: the next layer's input
is the convolutions' result **plus the block's own input**. If the convolutions learn nothing
useful, their weights can go to 0 and the block still passes its input on; the notes call this
"keeping a floor" (保个底): a block can add something, but it cannot take away what came in.

## The receptive field (notes 3.9)

A unit of the second layer sees a window of the first layer, each of whose units sees a window
of the input: layer after layer the information is condensed, and a unit near the top depends
on a wide region of the image, its receptive field. Why stack small kernels rather than use one
big one? Three $3\times3$ layers see $7\times7$ pixels, as one $7\times7$ kernel does, but with
$C$ channels in and out they have $3 \cdot (3 \cdot 3 \cdot C^2) = 27C^2$ weights instead of
$49C^2$, and three non-linearities instead of one.

Implement the seven functions in order; each test cell checks its function.
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

The basic block of ResNet (without batch normalisation), with $x$ of shape $(N, C, H, W)$:

$$h = \mathrm{relu}(\mathrm{conv}(x; w_1, b_1)), \qquad
\text{out} = \mathrm{relu}(\mathrm{conv}(h; w_2, b_2) + x).$$

Both convolutions have $C$ filters of $C$ channels, $k\times k$ with $k$ odd, stride 1 and
`pad = k // 2`, so that every intermediate result has the shape of $x$ and the shortcut
"$+\,x$" adds arrays of the same shape. The ReLU comes **after** the addition. With
$w_2 = 0$ and $b_2 = 0$ the block is $\mathrm{relu}(x)$: the shortcut is the floor.

Build it from your own `conv_forward` (no second copy of the convolution), and check `k` (odd)
and the shapes of the weights first, with a `ValueError` naming the bad argument.
""",
    "residual_backward": r"""
## 6. The residual block, backward

Walk the forward pass backwards with your `conv_backward`. The last ReLU gates `dout`, and the
sum $\mathrm{conv}(h) + x$ hands the gated gradient to **both** of its terms: into the second
convolution (and from there through the first ReLU and the first convolution), and straight to
$x$ along the shortcut. $x$ reaches the output along two paths, so `dx` is the sum of what comes
back along each. This is why deep residual networks train: the shortcut gives the gradient a
path to the early layers that no weight can shrink.
""",
    "receptive_field": r"""
## 7. The receptive field (notes 3.9)

Walk up the stack keeping two numbers: the field $r$ (how many input pixels, along one side,
one unit sees) and the jump $j$ (how many input pixels apart two neighbouring units of the
current layer are). At the input, $r_0 = 1$ and $j_0 = 1$. A layer with kernel $k$ and stride
$s$ covers $k$ neighbouring units of the layer below, $k - 1$ jumps more than one of them:

$$r_i = r_{i-1} + (k_i - 1)\, j_{i-1}, \qquad j_i = j_{i-1}\, s_i .$$

Pooling layers count like convolutions (a pooling window is a kernel); padding does not change
the field (padded zeros are no pixels). Three $3\times3$ layers at stride 1 give 3, 5, 7.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 8. Experiment: what a small convolutional network learns

A network of your layers — conv (8 filters, $3\times3$, pad 1) → ReLU → max pool $2\times2$ →
affine → softmax — trained on scikit-learn's $8\times8$ digits with the momentum update of
chapter 2. Then we look at the 8 learned filters and at the 8 feature maps they make of one
digit.
"""),
    ("code", r"""
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

digits = load_digits()
order = np.random.default_rng(0).permutation(len(digits.target))
images, labels = digits.images[order][:, None] / 16.0, digits.target[order]  # (N, 1, 8, 8)
X_train, y_train, X_val, y_val = images[500:], labels[500:], images[:500], labels[:500]

rng = np.random.default_rng(0)
params = {"w": rng.normal(scale=np.sqrt(2 / 9), size=(8, 1, 3, 3)), "b": np.zeros(8),
          "W": rng.normal(scale=np.sqrt(2 / 128), size=(128, 10)), "c": np.zeros(10)}
previous = {k: v.copy() for k, v in params.items()}


def softmax_head(scores, y):
    # the softmax loss and its gradient with respect to the scores, from PyTorch's autograd
    # (the softmax assignment is where you write them yourself)
    scores = torch.tensor(scores, requires_grad=True)
    loss = F.cross_entropy(scores, torch.from_numpy(y))
    loss.backward()
    return loss.item(), scores.grad.numpy()


def scores_of(params, x):
    conv_out, conv_cache = conv_forward(x, params["w"], params["b"], 1, 1)
    pooled, pool_cache = max_pool_forward(np.maximum(conv_out, 0), 2, 2)
    return pooled.reshape(len(x), -1) @ params["W"] + params["c"], (conv_out, conv_cache, pooled, pool_cache)


losses = []
for step in range(300):
    rows = rng.choice(len(y_train), size=64, replace=False)
    scores, (conv_out, conv_cache, pooled, pool_cache) = scores_of(params, X_train[rows])
    loss, dscores = softmax_head(scores, y_train[rows])
    losses.append(loss)
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

## 9. Experiment: the receptive field of stacked 3×3 kernels

Which input pixels can change one output unit? Send a gradient of 1 from the centre unit back
through the layers with your `conv_backward` and see where it lands. We compare one, two and
three stacked $3\times3$ convolutions (stride 1, pad 1) with a single $7\times7$ kernel, and
count the weights of each with $C$ = 64 channels in and out.
"""),
    ("code", r"""
def gradient_footprint(kernel_sizes, size=15):
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
    field = gradient_footprint(kernels)
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
    ("markdown", r"""
## 10. Experiment: a plain deep network against a residual one

Two networks of the same depth, built in PyTorch: a stem convolution ($1 \to 8$ channels), then
12 convolutions $3\times3$ with 8 channels, then an affine layer to the 10 classes (14 layers
with weights). The **plain** one applies conv → ReLU 12 times; the **residual** one groups the
same 12 convolutions into 6 of your blocks, $\mathrm{relu}(\mathrm{conv}(\mathrm{relu}(\mathrm{conv}(x))) + x)$.
Same initialisation (PyTorch's default), same data, same optimiser (SGD with momentum), 200
steps each on the digits; a shallow plain network (2 convolutions) is trained too, for
comparison. Tiny networks run faster on one thread than on several, hence
`torch.set_num_threads(1)`. It takes about 10 s on a laptop.
"""),
    ("code", r"""
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
started = time.time()
all_images = torch.tensor(digits.images[:, None] / 16.0, dtype=torch.float32)  # (1797, 1, 8, 8)
all_labels = torch.tensor(digits.target)


class PlainNet(nn.Module):
    def __init__(self, depth, channels=8):
        super().__init__()
        self.stem = nn.Conv2d(1, channels, 3, padding=1)
        self.convs = nn.ModuleList(nn.Conv2d(channels, channels, 3, padding=1) for _ in range(depth))
        self.head = nn.Linear(channels * 8 * 8, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        for conv in self.convs:
            x = F.relu(conv(x))
        return self.head(x.flatten(1))


class ResidualNet(PlainNet):
    def forward(self, x):
        x = F.relu(self.stem(x))
        for first, second in zip(self.convs[::2], self.convs[1::2]):
            x = F.relu(second(F.relu(first(x))) + x)  # the block of section 5
        return self.head(x.flatten(1))


def training_losses(model, steps=200, batch=64):
    generator = torch.Generator().manual_seed(0)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(steps):
        rows = torch.randint(len(all_labels), (batch,), generator=generator)
        loss = F.cross_entropy(model(all_images[rows]), all_labels[rows])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return losses


curves = {}
for name, make in (("plain, 12 convolutions", lambda: PlainNet(12)),
                   ("residual, 12 convolutions (6 blocks)", lambda: ResidualNet(12)),
                   ("plain, 2 convolutions", lambda: PlainNet(2))):
    torch.manual_seed(0)  # the same initial weights for the plain and the residual network
    curves[name] = training_losses(make())
    print(f"{name:38s} loss over the last 20 steps {np.mean(curves[name][-20:]):.3f}")
print(f"trained in {time.time() - started:.1f} s")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
for ax, names in zip(axes, (list(curves)[:2], list(curves))):
    for name in names:
        ax.plot(curves[name], label=name)
    ax.set_xlabel("step")
    ax.legend()
axes[0].set_ylabel("training loss (cross-entropy)")
axes[0].set_title("same depth: plain against residual")
axes[1].set_title("and a shallow plain network")
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
The plain deep network does not learn at all here: its loss stays at $\ln 10 \approx 2.30$, the
loss of a uniform guess, because the signal (and on the way back the gradient) fades through 12
ReLU layers with these initial weights. The shallow plain network learns, so depth is what
hurts. The residual network of the same depth learns as fast as the shallow one: every block
starts close to passing its input on, and the shortcuts carry the gradient to the first layers.

## 11. Experiment: receptive field and parameters against depth

With your `receptive_field`: the field of a stack of $d$ layers $3\times3$ at stride 1, against
the number of weights of that stack and of the single kernel that sees as far,
$(2d + 1) \times (2d + 1)$, for $C = 64$ channels in and out (biases left out).
"""),
    ("code", r"""
C = 64
depths = np.arange(1, 11)
fields = [receptive_field([(3, 1)] * d)[-1] for d in depths]
stacked = [9 * C * C * d for d in depths]
single = [f * f * C * C for f in fields]
for d, f, a, b in zip(depths, fields, stacked, single):
    print(f"{d:2d} layers 3x3: field {f:2d}x{f:<2d} {a:>9,} weights; one {f}x{f} kernel: {b:>9,}")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
axes[0].plot(depths, fields, "o-")
axes[0].set_xlabel("number of stacked 3x3 layers")
axes[0].set_ylabel("receptive field (pixels per side)")
axes[0].set_title("the field grows by 2 per layer")
axes[1].plot(depths, stacked, "o-", label="stack of 3x3 layers")
axes[1].plot(depths, single, "s-", label="one kernel of the same field")
axes[1].set_xlabel("number of stacked 3x3 layers")
axes[1].set_ylabel(f"weights (C = {C})")
axes[1].set_yscale("log")
axes[1].set_title("parameters for the same field")
axes[1].legend()
plt.tight_layout()
plt.show()
"""),
    ("markdown", r"""
The field of a stride-1 stack grows linearly (2 pixels per $3\times3$ layer) and so does its
weight count, $9dC^2$, while the single kernel's grows with the square of its side,
$(2d + 1)^2 C^2$: at three layers, $27C^2$ against $49C^2$ (the notes' example), at ten,
$90C^2$ against $441C^2$. A stride multiplies the jump, so strided layers and poolings make the
field grow much faster: try `receptive_field([(3, 2)] * 5)`.
"""),
]
