"""The two-layer network notebook's text and experiments (lecture notes 2.2, 2.5-2.9)."""

TITLE = "A two-layer network by hand"

INTRO = r"""
# A two-layer network by hand

*Lecture notes, chapter 2: activation functions, forward and backward propagation, the weight
update, and what keeps a network from overfitting.*

A linear classifier scores with one matrix product. A two-layer network puts a non-linear
**activation** between two of them:

$$\text{scores} = W_2^\top \, \max(0,\; W_1^\top x + b_1) + b_2 .$$

## Activation functions (notes 2.2)

The **sigmoid** $\sigma(x) = 1/(1+e^{-x})$ squashes any number into $(0, 1)$. Its derivative is
$\sigma(x)\,(1-\sigma(x))$, at most $1/4$, and nearly 0 as soon as $|x|$ is large: backpropagated
through many sigmoids, the gradient **vanishes**. The **ReLU** $\max(0, x)$ passes the gradient
unchanged (derivative 1) wherever $x > 0$, which is why it trains deep networks better.

## Backpropagation: upstream gradient × local gradient (notes 2.6)

A network is a graph of simple gates. The chain rule, one gate at a time: the gradient of the
loss with respect to a gate's input is the gradient with respect to its output (the
**upstream** gradient) times the gate's own derivative (the **local** gradient). In the notes'
example an `exp` gate receives $-0.53$ from above; its local gradient at $x = -1$ is $e^{-1}$,
so it passes $-0.53 \cdot e^{-1} = -0.2$ down. Two gates deserve a shortcut:

- the **sigmoid gate**: the local gradient is $\sigma(1-\sigma)$, computable from the output
  alone — an output of 0.73 gives $0.73 \cdot 0.27 \approx 0.2$;
- the **max gate** routes the gradient: all of it goes to the larger input, none to the smaller
  (with $x < y$, $\partial/\partial x = 0$ and $\partial/\partial y = 1$ times the upstream
  0.2). ReLU is a max gate against 0.

With matrices the same holds element by element, and one sanity check never fails: the
gradient with respect to an input has the **shape of that input** (notes 2.7).

## Updating the weights (notes 2.8)

Gradient descent moves against the gradient; the notes add a **smoothing term** that keeps some
of the previous step (momentum):

$$w_{t+1} = w_t - \eta \frac{\partial L}{\partial w} + \alpha\,(w_t - w_{t-1}).$$

## Against overfitting (notes 2.9)

**Preprocessing (notes 2.9.1)** takes two steps: **centre** the data (subtract every feature's
mean, so that the cloud of points sits around the origin) and **scale** every dimension (divide
by its standard deviation, so that all features vary on the same scale). A pixel that ranges over
0..16 and one that ranges over 0..1 then weigh alike in the first layer, and one learning rate
suits every weight. The statistics are those of the **training set**, and the test set is
transformed with them: the test set stands for data the model has never seen, whose mean nobody
knows when training; computing anything from it is a *leak*. The standard deviation is the
population one (divided by $N$), as scikit-learn's `StandardScaler` computes it, and a feature
that never varies in training (a corner pixel that is always 0) is only centred: its standard
deviation is 0.

**Initialisation (notes 2.9.2).** All-equal weights make all hidden units compute the same thing
forever, so the weights start random; but their scale matters. A unit sums `fan_in` inputs, each
times a weight: with weights of variance $s^2$ and inputs of variance $v$, the sum has variance
$\text{fan\_in}\cdot s^2 v$. If that factor is not 1, activations grow or shrink geometrically
through the layers, and so do the gradients. **Xavier** (Glorot) keeps it near 1 both forwards
and backwards: $s^2 = 2/(\text{fan\_in} + \text{fan\_out})$. **He** accounts for ReLU setting
half of its inputs to 0: $s^2 = 2/\text{fan\_in}$. A fixed **small** scale (0.01) makes the
signal shrink at every layer.

Finally **dropout**: in every training step a random part of the hidden units is switched off, so
that no unit can rely on particular others; a unit dropped now may be used in the next step, so
all features still get trained. We use *inverted* dropout: the kept units are scaled by
$1/(1-p)$ during training, so at test time the layer is simply the identity.

Every layer below is a pair: `*_forward` returns `(out, cache)`, `*_backward(dout, cache)`
returns the gradients. Implement them in order; each test cell checks its function.
"""

SETUP = r"""
Run this cell first: it imports what the functions below may use.
"""

SECTIONS = {
    "affine_forward": r"""
## 1. The affine layer

`out = x.reshape(N, -1) @ w + b`: each sample, whatever its shape (an 8×8 image, say), is
flattened to a row of D numbers. Keep what the backward pass needs in the cache.
""",
    "affine_backward": r"""
Upstream gradient times local gradient, in matrix form: `dx = dout @ w.T` (reshaped back to
x's shape), `dw = x_flat.T @ dout`, and `db` the **sum** of `dout` over the samples (b is added
to every sample, so each sample's gradient reaches it).
""",
    "relu_forward": r"""
## 2. ReLU

`max(0, x)` element-wise.
""",
    "relu_backward": r"""
The max gate routes the gradient: `dout` where the forward's **input** was positive, 0 elsewhere.
""",
    "sigmoid_forward": r"""
## 3. Sigmoid

$1/(1+e^{-x})$ — but `np.exp(-x)` overflows for $x < -709$. For negative $x$ use the equal
$e^{x}/(1+e^{x})$, which only ever exponentiates negative numbers.
""",
    "sigmoid_backward": r"""
The notes' shortcut: local gradient $\sigma(1-\sigma)$, from the forward's **output**.
""",
    "dropout_forward": r"""
## 4. Dropout

In training, draw `mask = rng.random(x.shape) >= p` (each unit kept with probability $1-p$),
and return `x * mask / (1 - p)`. At test time return `x`. All randomness comes from `rng`.
""",
    "dropout_backward": r"""
The gradient flows through the kept units only, scaled like them: the forward's mask, not a new one.
""",
    "preprocess": r"""
## 5. Preprocessing

Compute the mean and the (population) standard deviation of every feature **on the training set
only**, then transform both sets with them. A feature whose training values are all equal has
standard deviation 0: centre it, do not divide by 0. Return float64 arrays; leave the inputs alone.
""",
    "init_weights": r"""
## 6. Initialisation

A `(fan_in, fan_out)` matrix of normal draws with mean 0 and the scheme's standard deviation
(the square root of its variance: He's $2/\text{fan\_in}$, Xavier's
$2/(\text{fan\_in}+\text{fan\_out})$, or 0.01), drawn from `rng` only, so that a seed
reproduces a run. Refuse an unknown scheme or a size below 1 with a `ValueError`.
""",
    "sgd_momentum": r"""
## 7. The update with a smoothing term

One step of $w_{t+1} = w_t - \eta\,\partial L/\partial w + \alpha (w_t - w_{t-1})$; at the first
step $w_{t-1} = w_t$ and it is plain gradient descent. Return a new array.
""",
    "two_layer_net": r"""
## 8. The network

Chain the layers: affine → ReLU → affine gives the scores; with labels, add the softmax loss
(from the softmax notebook, stable) and $\lambda (\sum W_1^2 + \sum W_2^2)$, then go back
through the same layers in reverse order. The gradients come back in a dict keyed like `params`.
""",
}

EXPERIMENT = [
    ("markdown", r"""
## 9. Experiment: momentum and dropout

Train on a **small** part of scikit-learn's digits (300 images) with a wide hidden layer (256
units): easy to overfit. Four runs of your `two_layer_net` and `sgd_momentum`, with and without
momentum and with and without dropout — applied here to the input pixels, with your
`dropout_forward`, so that every step sees a randomly blotted version of its images. 40 epochs
of mini-batches each; the validation set is 500 other digits.
"""),
    ("code", r"""
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

digits = load_digits()
order = np.random.default_rng(0).permutation(len(digits.target))
X_all = digits.data[order] / 16.0
X_all = X_all - X_all[:300].mean(axis=0)  # preprocessing (notes 2.9): centre on the training data
y_all = digits.target[order]
X_train, y_train, X_val, y_val = X_all[:300], y_all[:300], X_all[300:800], y_all[300:800]


def run(p_drop, momentum, epochs=40, hidden=256, batch=30, learning_rate=0.05, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(scale=np.sqrt(2 / 64), size=(64, hidden)), "b1": np.zeros(hidden),
              "W2": rng.normal(scale=np.sqrt(2 / hidden), size=(hidden, 10)), "b2": np.zeros(10)}
    previous = {k: v.copy() for k, v in params.items()}
    history = {"loss": [], "train": [], "val": []}
    for epoch in range(epochs):
        losses = []
        for rows in np.array_split(rng.permutation(len(y_train)), len(y_train) // batch):
            X, _ = dropout_forward(X_train[rows], p_drop, True, rng)
            loss, grads = two_layer_net(params, X, y_train[rows])
            losses.append(loss)
            updated = {k: sgd_momentum(params[k], grads[k], previous[k], learning_rate, momentum) for k in params}
            previous, params = params, updated
        history["loss"].append(np.mean(losses))
        for name, X, y in (("train", X_train, y_train), ("val", X_val, y_val)):
            history[name].append(np.mean(np.argmax(two_layer_net(params, X), axis=1) == y))
    return history


runs = {"plain SGD": run(0.0, 0.0), "momentum 0.9": run(0.0, 0.9),
        "dropout 0.3": run(0.3, 0.0), "momentum + dropout": run(0.3, 0.9)}

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for (name, history), color in zip(runs.items(), ["tab:gray", "tab:blue", "tab:orange", "tab:green"]):
    epochs = np.arange(1, len(history["loss"]) + 1)
    axes[0].plot(epochs, history["loss"], color=color, label=name)
    axes[1].plot(epochs, history["train"], color=color, linestyle=":", alpha=0.8)
    axes[1].plot(epochs, history["val"], color=color, label=name)
axes[0].set_yscale("log")
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("training loss")
axes[0].set_title("Training loss")
axes[0].legend()
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("accuracy")
axes[1].set_ylim(0.5, 1.01)
axes[1].set_title("Accuracy: validation (solid), training (dotted)")
axes[1].legend(loc="lower right")
plt.tight_layout()
plt.show()
for name, history in runs.items():
    print(f"{name:20s} final training accuracy {history['train'][-1]:.3f}, validation {history['val'][-1]:.3f}")
"""),
    ("markdown", r"""
Momentum reaches a low training loss in far fewer epochs: the smoothing term keeps the steps
going in the directions the gradient keeps pointing to. With 300 training images and 256 hidden
units the network soon knows the training set by heart (dotted lines at 1.0) while validation
accuracy stays below: overfitting. Dropout keeps the training loss higher, since every step sees
different, partly erased images, and is meant to narrow that gap; how much it helps on so small a
problem shows in the numbers above.
"""),
    ("markdown", r"""
## 10. Experiment: initialisation and preprocessing

First, ten ReLU layers of 256 units on standardised random inputs, initialised by your
`init_weights` with each scheme: the standard deviation of the activations after every layer.
"""),
    ("code", r"""
rng = np.random.default_rng(0)
signal = rng.normal(size=(500, 256))
stds = {}
for scheme in ("he", "xavier", "small"):
    h, stds[scheme] = signal, []
    for layer in range(10):
        h = np.maximum(h @ init_weights(256, 256, rng, scheme), 0)
        stds[scheme].append(h.std())

plt.figure(figsize=(6, 4))
for scheme, values in stds.items():
    plt.semilogy(range(1, 11), values, marker="o", label=scheme)
plt.xlabel("layer")
plt.ylabel("std of the activations")
plt.title("Ten ReLU layers, 256 units")
plt.legend()
plt.show()
for scheme, values in stds.items():
    print(f"{scheme:7s} std after layer 1: {values[0]:.3g}, after layer 10: {values[-1]:.3g}")
"""),
    ("markdown", r"""
He's scale keeps the activations' spread about constant through the ten layers; Xavier's, made
for activations symmetric around 0, loses about a factor $\sqrt 2$ per ReLU layer; the small
one divides it by about 9 at every layer, and after ten layers the signal (and the gradient
coming back) is gone.

Then the whole digits set (1297 training images), raw pixels 0..16 or standardised by your
`preprocess`, a hidden layer of 64 units started from your `init_weights`, 150 steps of
momentum SGD with your `two_layer_net` and `sgd_momentum`.
"""),
    ("code", r"""
order = np.random.default_rng(1).permutation(len(digits.target))
X_raw, y_digits = digits.data[order], digits.target[order]
X_fit, y_fit, X_held, y_held = X_raw[500:], y_digits[500:], X_raw[:500], y_digits[:500]
X_fit_p, X_held_p = preprocess(X_fit, X_held)


def train_digits(X, y, X_val, y_val, scheme, steps=150, batch=64, learning_rate=0.1, momentum=0.9, seed=0):
    rng = np.random.default_rng(seed)
    params = {"W1": init_weights(64, 64, rng, scheme), "b1": np.zeros(64),
              "W2": init_weights(64, 10, rng, scheme), "b2": np.zeros(10)}
    previous = {k: v.copy() for k, v in params.items()}
    losses = []
    for _ in range(steps):
        rows = rng.choice(len(y), size=batch, replace=False)
        loss, grads = two_layer_net(params, X[rows], y[rows], 1e-4)
        losses.append(loss)
        updated = {k: sgd_momentum(params[k], grads[k], previous[k], learning_rate, momentum) for k in params}
        previous, params = params, updated
    accuracy = np.mean(np.argmax(two_layer_net(params, X_val), axis=1) == y_val)
    return losses, accuracy


curves = {"standardised, he": train_digits(X_fit_p, y_fit, X_held_p, y_held, "he"),
          "standardised, small": train_digits(X_fit_p, y_fit, X_held_p, y_held, "small"),
          "raw pixels, small": train_digits(X_fit, y_fit, X_held, y_held, "small")}
plt.figure(figsize=(7, 4))
for name, (losses, accuracy) in curves.items():
    plt.plot(np.convolve(losses, np.ones(10) / 10, mode="valid"), label=f"{name} (accuracy {accuracy:.3f})")
plt.yscale("log")
plt.xlabel("step")
plt.ylabel("mini-batch loss (mean of 10 steps)")
plt.legend()
plt.show()
"""),
    ("markdown", r"""
Standardised inputs learn within a few dozen steps. With only two layers the small start
catches up (the first plot shows why it would not in ten); from raw pixels, though, the same
learning rate is far too large for inputs up to 16: after 150 steps the loss is still far above
the others' and the accuracy about a third. Preprocessing is what lets one learning rate suit
every weight.
"""),
]
