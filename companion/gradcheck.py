"""The gradient check: backward() against central finite differences of the loss.

    python nn_from_scratch.py --gradcheck     checks at the starting weights and after training

For each of W1, b1, W2, b2 (and W3, b3, ... with --layers), each weight w is nudged by +h and
by -h, the loss is computed again, and (L(w + h) - L(w - h)) / 2h is compared with what
backward() says. The relative error
|a - n| / max(|a|, |n|), over a whole array (|.| its Euclidean norm), is judged with the bands of
the CS231n notes: below 1e-7 right; 1e-7 to 1e-4 suspicious, unless the activation has a kink
(ReLU's at 0) that a nudge crossed; above 1e-4 wrong.

The loss differentiated is the one backward() differentiates exactly: binary cross-entropy
without the eps that bce_loss adds to keep log() finite. It is computed from z2, so that it
stays exact where p rounds to 0 or 1. With K classes, the softmax's cross-entropy, from z
too. Everything is float64. The tests use these same functions.

The chapter's network is checked through nn_from_scratch's own forward() and backward(), so
that a reader's edit to them shows here; a network of --layers or K classes through
companion/layers.py's, which trains it.
"""

import numpy as np

import nn_from_scratch as nn
from companion import layers

H = 1e-5                 # the nudge: small for the maths, large for float64's rounding
RIGHT, WRONG = 1e-7, 1e-4
# The check's own error: the centred difference is off by about h^2 = 1e-10 times the loss's third
# derivative, and rounding adds about eps * loss / h = 1e-11 to each slope: against gradients of
# 1e-2 to 1e-4, 1e-9 to 1e-7 of relative error. Its digits differ from one processor's tanh to
# another's (measured at the chapter's start: 8.5e-10 with AVX-512 and AVX2, 7.8e-10 without),
# so an error under this floor is printed as "< 1e-08": far inside "right", and nothing more.
SHOWN_FLOOR = 1e-8
MAX_ENTRIES = 100        # a larger array is checked at this many entries, drawn at random
KINKED = ("relu", "leaky_relu")


def is_chapters(params):
    """Whether params are the chapter's network: W1, b1, W2, b2, one output unit."""
    return layers.depth(params) == 2 and params["b2"].shape[1] == 1


def exact_loss(params, X, y, activation="tanh", stacked=False):
    """Cross-entropy without eps, from the output's z: the loss whose gradient backward()
    returns.

    For a label y of 0 or 1, -y log p - (1 - y) log(1 - p) = log(1 + e^(+-z2)), + for class 0
    and - for class 1; logaddexp computes that without rounding p to 0 or 1 first. With K
    units, -log p[y] = log(sum_k e^z[k]) - z[y], the largest z taken out of the sum first.
    """
    if not stacked:
        z = nn.forward(params, X, activation)[2]
    else:
        z = layers.forward(params, X, activation)[0][-1]
    if z.shape[1] == 1:
        return np.mean(np.logaddexp(0, (1 - 2 * y) * z))
    top = z.max(axis=1, keepdims=True)
    log_sum = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    return np.mean(log_sum - z[np.arange(len(z)), y[:, 0].astype(int)])


def numeric_gradient(loss, W, h=H, entries=None):
    """dloss/dW by central differences, entry by entry: (loss(W + h) - loss(W - h)) / 2h.

    loss() reads W, which is nudged in place and restored. With entries (flat indexes), only
    those are computed, and returned as a 1-d array; otherwise all, in W's shape.
    """
    flat = W.reshape(-1)  # a view: nudging flat nudges W
    picked = range(flat.size) if entries is None else entries
    grad = np.zeros(len(picked))
    for k, i in enumerate(picked):
        saved = flat[i]
        flat[i] = saved + h
        up = loss()
        flat[i] = saved - h
        down = loss()
        flat[i] = saved
        grad[k] = (up - down) / (2 * h)
    return grad.reshape(W.shape) if entries is None else grad


def relative_error(analytic, numeric):
    """|analytic - numeric| / max(|analytic|, |numeric|), |.| the Euclidean norm; 0 if both are 0."""
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    return np.linalg.norm(analytic - numeric) / scale if scale else 0.0


def check_gradients(params, X, y, activation="tanh", h=H, max_entries=MAX_ENTRIES, seed=0,
                    stacked=None):
    """For each parameter array: {"error": relative error, "checked": entries compared,
    "largest": largest |dL/dw|, "difference": |a - n|, "noise": what rounding alone can cause}.
    stacked: whether to check companion/layers.py's backward(), not the chapter's; by default,
    for any network but the chapter's."""
    if stacked is None:
        stacked = not is_chapters(params)
    if stacked:
        analytic = layers.backward(params, X, y, *layers.forward(params, X, activation),
                                   activation)
    else:
        z1, a1, _, p = nn.forward(params, X, activation)
        analytic = nn.backward(params, X, y, z1, a1, p, activation)
    rng = np.random.default_rng(seed)

    def loss():
        return exact_loss(params, X, y, activation, stacked)

    # Each loss carries a rounding error of a few eps * loss; divided by 2h in the difference
    # quotient, that is the noise floor under which a gradient entry can't be checked.
    noise_per_entry = 10 * np.finfo(float).eps * loss() / h
    result = {}
    for name, W in params.items():
        entries = None
        if W.size > max_entries:
            entries = np.sort(rng.choice(W.size, max_entries, replace=False))
        numeric = numeric_gradient(loss, W, h, entries)
        a = analytic[name] if entries is None else analytic[name].reshape(-1)[entries]
        result[name] = {"error": relative_error(a, numeric), "checked": numeric.size,
                        "largest": np.abs(a).max(), "difference": np.linalg.norm(a - numeric),
                        "noise": noise_per_entry * np.sqrt(numeric.size)}
    return result


def kinks_crossed(params, X, activation, h=H):
    """How many (point, unit) pairs sit so close to the activation's kink that a nudge of h to a
    weight or bias of their layer can move z across it; 0 for a smooth activation."""
    if activation not in KINKED:
        return 0
    z, a, _ = layers.forward(params, X, activation)  # the chapter's z1, for its network
    return int(sum(np.sum(np.abs(z[l]) <= h * max(1.0, np.abs(a[l - 1]).max()))
                   for l in range(1, len(z) - 1)))


def gradient_verdict(check, kinks=0):
    """right, suspicious or WRONG, by the CS231n bands of the relative error. A difference
    within rounding noise counts as right: near a minimum, where the gradient itself is that
    small, the relative error means nothing."""
    if check["error"] < RIGHT or check["difference"] <= check["noise"]:
        return "right" if check["error"] < RIGHT else "right: within rounding noise"
    if check["error"] <= WRONG:
        return "fine: a nudge crossed the kink" if kinks else "suspicious"
    return "WRONG"


def shown_error(error):
    """The relative error as the table prints it: one digit and exponent, or "< 1e-08"."""
    return f"< {SHOWN_FLOOR:.0e}" if error < SHOWN_FLOOR else f"{error:.1e}"


def table(checks, activation, when, kinks=0):
    """The check as a table, and the names of the arrays found wrong."""
    lines = [f"gradient check {when} ({activation}, float64, h = {H:g}):",
             "  array  checked  largest |dL/dw|  relative error  verdict"]
    wrong = []
    for name, check in checks.items():
        said = gradient_verdict(check, kinks)
        lines.append(f"  {name:<5}  {check['checked']:>7}  {check['largest']:>15.1e}  "
                     f"{shown_error(check['error']):>14}  {said}")
        if said == "WRONG":
            wrong.append(name)
    lines.append(f"  (right below {RIGHT:.0e}; suspicious up to {WRONG:.0e}; wrong above)")
    if any(check["error"] < SHOWN_FLOOR for check in checks.values()):
        lines.append(f"  (< {SHOWN_FLOOR:.0e}: within the check's own error, from h and "
                     "rounding)")
    return "\n".join(lines), wrong
