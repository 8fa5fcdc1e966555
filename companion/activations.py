"""The hidden activations that --activation offers besides the chapter's tanh: the chapter's
activation table, run.

Each is a = f(z) with its slope f'(z), the slope written in the form natural to it: from the
output a where it can be, as the chapter writes tanh's (1 - a**2), from z where it can't. The
chapter's own tanh and sigmoid are nn_from_scratch.py's; the table holds them too, so that
activations_demo.py and experiments.py can go through every activation the same way.
"""

import functools

import numpy as np

from nn_from_scratch import sigmoid

LEAKY_SLOPE = 0.01  # Leaky ReLU's slope for z < 0
GELU_C = np.sqrt(2 / np.pi)


def relu(z):
    return np.maximum(0, z)


def leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def gelu(z):
    """GELU in its tanh form, 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))): NumPy has no erf."""
    return 0.5 * z * (1 + gelu_tanh(z))


def gelu_slope(z):
    """d/dz of gelu(z), by the product and chain rules: with t the tanh above,
    0.5 (1 + t) + 0.5 z (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 z^2)."""
    t = gelu_tanh(z)
    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * z * z)


def keeps_its_last(f):
    """f, keeping its last result: called again with a z equal, element for element, to the
    one before, it returns that result again (the same array: not to be changed in place).

    The forward pass computes f(z1), and the backward pass asks for it again at the very same
    z1; when f is a tanh or an exp, that is the costliest step of an epoch."""
    last = [(None, None)]  # the z last given (a copy) and f(z), replaced as one pair

    @functools.wraps(f)
    def kept(z):
        seen, result = last[0]
        if seen is None or seen.shape != np.shape(z) or not np.array_equal(seen, z):
            result = f(z)
            last[0] = (np.array(z), result)
        return result
    return kept


@keeps_its_last
def gelu_tanh(z):
    """The tanh(sqrt(2/pi) (z + 0.044715 z^3)) that gelu and gelu_slope both need.
    (z + 0.044715 z^3 is written z (1 + 0.044715 z z): the same number, computed faster.)"""
    return np.tanh(GELU_C * z * (1 + 0.044715 * z * z))


silu_sigmoid = keeps_its_last(sigmoid)  # the s(z) that silu and its slope both need


def silu(z):
    return z * silu_sigmoid(z)


# name: (f, slope(z, a)), in the order --help lists them
ACTIVATIONS = {
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "relu": (relu, lambda z, a: (z > 0) * 1.0),
    "leaky_relu": (leaky_relu, lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE)),
    "sigmoid": (sigmoid, lambda z, a: a * (1 - a)),
    "gelu": (gelu, lambda z, a: gelu_slope(z)),
    # silu(z) = z s(z), s the sigmoid; its slope s + z s (1 - s) is a + s (1 - a)
    "silu": (silu, lambda z, a: a + silu_sigmoid(z) * (1 - a)),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),  # no non-linearity: experiments.py
}
