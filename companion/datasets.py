"""The data sets besides the chapter's XOR clusters, for --data NAME.

    xor      the chapter's: four clusters, opposite corners share a class (make_xor_data)
    circles  one class inside a ring of the other
    moons    two interleaved half-circles
    spiral   two interleaved arms
    spiral3  three interleaved arms, three classes (labels 0, 1, 2): for --layers' softmax

Each set is `points` points in 2 features with labels 0 and 1, half of each class (spiral3:
labels 0, 1 and 2, a third of each), spread by
`noise` (the standard deviation of the Gaussian added to each coordinate, as the chapter's
clusters are), drawn from np.random.default_rng(seed). Each is one short function of (rng,
noise, points) whose formula is written in its docstring.
"""

import numpy as np

from nn_from_scratch import make_xor_data

DATA_NAMES = ("xor", "circles", "moons", "spiral", "spiral3")  # --data's sets


def halves(points, classes=2):
    """How many points of each class: points // classes each, one more in the first
    points % classes (for two classes: half each, class 0 the larger if odd)."""
    return [points // classes + (k < points % classes) for k in range(classes)]


def labelled(parts):
    """X (points, 2) and y (points, 1) from the point arrays of class 0, class 1, ..."""
    X = np.vstack(parts)
    y = np.repeat(np.arange(len(parts), dtype=float), [len(part) for part in parts])
    return X, y.reshape(-1, 1)


def circles(rng, noise, points):
    """Class 0 on a circle of radius 0.5, class 1 on a ring of radius 2 round it: at angle t
    (uniform), the point r (cos t, sin t) + noise * N(0, I)."""
    parts = []
    for radius, n in zip((0.5, 2.0), halves(points)):
        t = rng.uniform(0, 2 * np.pi, n)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)])
                     + noise * rng.standard_normal((n, 2)))
    return labelled(parts)


def moons(rng, noise, points):
    """Two half-circles of radius 1.5, each with its ends in the other's middle: class 0 at
    1.5 (cos t, sin t) - (0.75, 0.375), class 1 at 1.5 (1 - cos t, 0.5 - sin t) - (0.75, 0.375),
    t uniform in [0, pi], plus noise * N(0, I)."""
    n0, n1 = halves(points)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    shift = np.array([0.75, 0.375])
    upper = 1.5 * np.column_stack([np.cos(t0), np.sin(t0)]) - shift
    lower = 1.5 * np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]) - shift
    return labelled([upper + noise * rng.standard_normal((n0, 2)),
                     lower + noise * rng.standard_normal((n1, 2))])


def spiral(rng, noise, points, arms=2):
    """Two arms of one and a quarter turns, the second the first turned by half a turn: at
    s uniform in [0, 1], the angle t = 2.5 pi s, and the point 3 s (cos(t + k pi),
    sin(t + k pi)) for class k, plus noise * N(0, I). With three arms, each is the one before
    turned by a third of a turn: t + 2 pi k / 3."""
    parts = []
    for k, n in enumerate(halves(points, arms)):
        s = rng.uniform(0, 1, n)
        t = 2.5 * np.pi * s + k * (2 * np.pi / arms)  # 2 pi / 2 is pi exactly
        parts.append(3 * s[:, None] * np.column_stack([np.cos(t), np.sin(t)])
                     + noise * rng.standard_normal((n, 2)))
    return labelled(parts)


def xor(rng, noise, points):
    """The chapter's four clusters for any number of points: Gaussian blobs of spread noise
    round CENTRES, points // 4 in each (one more in the first points % 4). With a multiple of
    4 points and the rng of make_xor_data, the very points make_xor_data draws."""
    from nn_from_scratch import CENTRES, LABELS
    sizes = [points // 4 + (k < points % 4) for k in range(len(CENTRES))]
    X = np.vstack([centre + noise * rng.standard_normal((n, 2))
                   for centre, n in zip(CENTRES, sizes)])
    return X, np.repeat(LABELS, sizes).reshape(-1, 1).astype(float)


def spiral3(rng, noise, points):
    return spiral(rng, noise, points, arms=3)


GENERATED = {"xor": xor, "circles": circles, "moons": moons, "spiral": spiral,
             "spiral3": spiral3}
CLASSES = {"spiral3": 3}  # the sets of more than two classes, and how many


def classes(name):
    """How many classes the named set has: 2, or CLASSES' count."""
    return CLASSES.get(name, 2)

TEST_STREAM = 1  # held-out points: default_rng((seed, TEST_STREAM)), a stream of their own


def make_data(name="xor", seed=0, noise=0.35, points=400):
    """X (points, 2) and y (points, 1) of the named set, drawn from default_rng(seed). For xor
    with a multiple of 4 points, the chapter's make_xor_data itself."""
    if name == "xor" and points % 4 == 0:
        return make_xor_data(seed, noise, points // 4)
    return GENERATED[name](np.random.default_rng(seed), noise, points)


def make_test_data(name="xor", seed=0, noise=0.35, points=400):
    """`points` fresh held-out points from the same distribution, drawn from a stream of their
    own, default_rng((seed, TEST_STREAM)): the training points, drawn from default_rng(seed),
    and so the whole training run, are the same with or without them."""
    return GENERATED[name](np.random.default_rng((seed, TEST_STREAM)), noise, points)
