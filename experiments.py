"""Every claim the chapter makes, run: what it says, what we measure, and whether it held.

    python experiments.py              the report, claims (a) to (j), over seeds 0 to 4
    python experiments.py --seeds 100  the same over seeds 0 to 99, with verdicts as rates
    python experiments.py --workers 1  one process (the default uses every core)

Each claim is run on several seeds (each seed draws both the data and the weights, as
nn_from_scratch.py's --seed does), with the chapter's settings otherwise: lr 0.5, 2000 full-batch
epochs, 8 hidden units. A verdict is given for each part of a claim and says on how many seeds it
held. Nothing here was tuned until it agreed with the text: where a claim holds only in some
settings, the report says so.

Everything is built from nn_from_scratch.py's functions. Two models are new, because the chapter
talks about them: plain logistic regression (Chapter 7's model, no hidden layer), and a deep
stack of hidden layers for the claims about depth, whose backward pass is the chapter's chain
rule in a loop (no biases, to keep it short).

How it runs: the work is split by seed. For each seed, every network is trained once and shared by
the claims that use it (claims (c), (e), (g) and (i) all use the chapter's tanh network). Seeds run
in worker processes; the report is assembled in seed order, so it is the same whatever the number
of workers.
"""

# companion.cli first: run as a program, Ctrl-C while NumPy loads already ends with one line
from companion.cli import (WIDTH, ArgumentParser, Progress, Stop, choice, command, fail,
                           memory_budget, number, wrap)
import argparse  # noqa: E402, I001
import contextlib  # noqa: E402
import multiprocessing  # noqa: E402
import multiprocessing.connection  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

from companion.activations import ACTIVATIONS  # noqa: E402
from companion import many  # noqa: E402
from companion.flags import size  # noqa: E402
from nn_from_scratch import (ACTIVATION_NAMES, CENTRES, INITS, LABELS, MOST_EPOCHS, MOST_NOISE,
                             Diverged, accuracy, backward, bce_loss, forward, init_params,
                             init_weights, make_xor_data, predict, sigmoid)

NEAR_CHANCE = 0.1   # "near 50%": an accuracy within 0.1 of 0.5
SOLVED = 0.99       # the chapter's network reaches 99.8%; we ask for at least 99%
# A number under 1e-12 is float64's rounding, not a measurement: its last digits differ from one
# processor's vector unit to another's (2e-17 with AVX-512, 1e-17 with AVX2, for the same
# gradient), so the report prints it as ~0 ("~0" format, below): what every processor agrees on.
ROUNDING = 1e-12
ONE_LINE = 0.8      # a straight-line boundary gets at most 3 of the 4 clusters right: about 75%
SATURATED = 0.99    # a tanh unit with |a| above this passes on less than 2% of its gradient
TABLE = ("tanh", "sigmoid", "relu", "leaky_relu", "gelu", "silu")  # the chapter's table, run
DEAD_START = -1.0   # (g): every hidden bias starts here, where ReLU units die


# ---- one seed: its data, and each network trained once ----

class Seed:
    """A seed's data and everything trained on it, each thing computed once and kept.

    nets, if given, are networks already trained (by worker processes), keyed as NETWORKS is.
    """

    def __init__(self, seed, nets=None):
        self.seed = seed
        self.X, self.y = make_xor_data(seed)
        self.kept = {("net",) + key: net for key, net in (nets or {}).items()}
        lines = (nets or {}).get(CHAPTER, {}).get("lines")
        if lines:  # fitted with the chapter's network, on all of its chunk's seeds at once
            self.kept["lines"] = lines

    def once(self, key, compute):
        if key not in self.kept:
            self.kept[key] = compute()
        return self.kept[key]

    def net(self, activation="tanh", init="xavier", b1=0.0):
        """The chapter's 2-8-1 network trained with lr 0.5 for 2000 epochs, its hidden biases
        starting at b1: a dict of start, params, log, solved_at (for the table's activations;
        None if never), spread, accuracy, loss."""
        return self.once(("net", activation, init, b1),
                         lambda: trained_net(self.seed, activation, init, b1))

    def line(self, name):
        """The logistic regression fitted on `name` (one of LINES): its train accuracy and its
        final gradient norm, as a dict. Claims (b) and (i) share the one on X."""
        return self.once("lines", lambda: fitted_lines([self.seed], [self.net()])[0])[name]


# Every network the claims train on each seed: (activation, init, b1). The first, CHAPTER, is
# the chapter's own.
CHAPTER = ("tanh", "xavier", 0.0)
NETWORKS = ([(activation, "xavier", 0.0) for activation in TABLE + ("identity",)]
            + [("tanh", init, 0.0) for init in ("large", "zeros", "constant")]
            + [(activation, "xavier", DEAD_START) for activation in ("relu", "leaky_relu")])
CHECKPOINTS = (500, 1000, 1500)  # where (d) looks at how far apart the hidden units are


def trained_net(seed, activation, init, b1):
    return trained_nets([seed], activation, init, b1)[0]


def trained_nets(seeds, activation, init, b1):
    """The chapter's network trained on each seed, all at once (companion/many.py): a dict
    for each seed, bit for bit what training it alone with train() gives."""
    data = [make_xor_data(seed) for seed in seeds]
    X, y = np.stack([X for X, _ in data]), np.stack([y for _, y in data])
    params = many.stack([init_params(2, 8, init, seed) for seed in seeds])
    params["b1"] += b1
    start = {name: W.copy() for name, W in params.items()}
    # When 99% is first reached matters to (g) alone, so only its networks pay for the check.
    timed = activation in TABLE and init == "xavier" and b1 == 0.0
    solved_at, spread = [None] * len(seeds), [0.0] * len(seeds)
    nets = many.unstack(params)
    network = range(len(seeds))

    def watch(epoch, p, which):
        if timed and None in solved_at[which]:
            for k, right in zip(network[which], many.accuracies(p, y[which])):
                if solved_at[k] is None and right >= SOLVED:
                    solved_at[k] = epoch  # the first epoch whose forward pass is right on 99%
        if epoch in CHECKPOINTS:
            for k in network[which]:
                spread[k] = max(spread[k], unit_spread(nets[k]))

    logs = many.train(params, X, y, activation, lr=0.5, epochs=2000, on_epoch=watch)
    trained = []
    for k, net in enumerate(nets):
        if isinstance(logs[k], Diverged):
            raise logs[k]
        p = predict(net, X[k], activation)
        trained.append({"start": {name: W[k] for name, W in start.items()},
                        "params": {name: W.copy() for name, W in net.items()}, "log": logs[k],
                        "solved_at": solved_at[k], "spread": max(spread[k], unit_spread(net)),
                        "accuracy": accuracy(p, y[k]), "loss": bce_loss(p, y[k])})
    return trained


def train_logistic_regression(X, y, lr=0.5, epochs=2000):
    """Chapter 7's model: p = sigmoid(X w + b), the same loss and the same update, no hidden layer.

    X is (m, n), or a stack of S such (S, m, n) with y (S, m, 1): then S lines are fitted at
    once, each bit for bit as it is fitted alone (the reasons are companion/many.py's). Returns
    w, b and the norm of the last gradient: a number, or one per line.
    """
    m, n = X.shape[-2:]
    w, b = np.zeros(X.shape[:-2] + (n, 1)), np.zeros(X.shape[:-2] + (1, 1))
    for _ in range(epochs):
        p = sigmoid(X @ w + b)
        dz = (p - y) / m
        dw, db = many.T(X) @ dz, dz.sum(-2, keepdims=True)
        w -= lr * dw
        b -= lr * db
    return w, b, np.sqrt((dw**2).sum((-2, -1)) + (db**2).sum((-2, -1)))


LINES = ("X", "starting a1", "trained a1")  # what claims (b) and (i) fit a line on


def fitted_lines(seeds, nets):
    """For each seed, {name: its line's accuracy and gradient} for each of LINES: a line on
    the inputs X, and on the a1 of the chapter's network (nets, one per seed) at its start and
    after training. Each kind is fitted on every seed at once, as one stack."""
    data = [make_xor_data(seed) for seed in seeds]
    y = np.stack([y for _, y in data])
    a1 = {when: np.stack([forward(net[when], X)[1] for net, (X, _) in zip(nets, data)])
          for when in ("start", "params")}
    stacks = [(("X",), np.stack([X for X, _ in data]), y),
              (LINES[1:], np.concatenate([a1["start"], a1["params"]]), np.concatenate([y, y]))]
    fitted = [{} for _ in seeds]
    for names, features, targets in stacks:
        w, b, gradient = train_logistic_regression(features, targets)
        right = many.accuracies(sigmoid(features @ w + b), targets)
        for name, rights, gradients in zip(names, right.reshape(len(names), -1),
                                           gradient.reshape(len(names), -1)):
            for lines, r, g in zip(fitted, rights, gradients):
                lines[name] = {"accuracy": r, "gradient": g}
    return fitted


# ---- a deep stack, for the claims about depth ----

def deep_init(seed, depth, width=32, n_in=2, gain=1.0):
    """Weights of n_in -> depth hidden layers of `width` -> 1: gain times the chapter's
    N(0,1)/sqrt(n_in) (gain sqrt(2) is He's)."""
    rng = np.random.default_rng(seed)
    sizes = [n_in] + [width] * depth + [1]
    return [gain * init_weights(rng, a, b) for a, b in zip(sizes[:-1], sizes[1:])]


def deep_forward(Ws, X, activation):
    """Each hidden layer's z and a (z[0] is None, a[0] is X), and p."""
    f, _ = ACTIVATIONS[activation]
    z, a = [None], [X]
    for W in Ws[:-1]:
        z.append(a[-1] @ W)
        a.append(f(z[-1]))
    return z, a, sigmoid(a[-1] @ Ws[-1])


def deep_backward(Ws, z, a, p, y, activation):
    """dL/dW for every layer: the chapter's backward pass, repeated from the output down."""
    _, slope = ACTIVATIONS[activation]
    dz = (p - y) / len(y)                  # the output's clean (pred - target) form
    dWs = [None] * len(Ws)
    for layer in reversed(range(len(Ws))):
        dWs[layer] = a[layer].T @ dz       # like dW2 = a1.T @ dz2
        if layer:  # like dz1 = (dz2 @ W2.T) * slope(z1, a1)
            dz = (dz @ Ws[layer].T) * slope(z[layer], a[layer])
    return dWs


# ---- the claims: each measures one seed, then reports on all of them ----
#
# measure(s) returns a dict of numbers for the Seed s. report(rows), given {seed: that dict},
# returns the claim's text, its measured rows (label, {seed: value}, format) and its verdicts
# ({part: {seed: held}}, or {part: (held, why)} for a verdict on all seeds at once).

def column(rows, key):
    return {seed: row[key] for seed, row in rows.items()}


def depth_collapse(s):
    W1, W2 = (init_params(seed=s.seed)[name] for name in ("W1", "W2"))
    two_layers, one_layer = (s.X @ W1) @ W2, s.X @ (W1 @ W2)
    return {"difference": np.abs(two_layers - one_layer).max(),
            "scale": np.abs(two_layers).max(), "accuracy": s.net("identity")["accuracy"]}


def depth_collapse_report(rows):
    r = {key: column(rows, key) for key in ("difference", "scale", "accuracy")}
    return {
        "claim": '(a) "Without an activation function, depth is an illusion": '
                 '(xW1)W2 = x(W1W2)',
        "measured": [("largest |(xW1)W2 - x(W1W2)|", r["difference"], "~0"),
                     ("largest |(xW1)W2|, for scale", r["scale"], ".1f"),
                     ("train accuracy, 2-8-1, no activation", r["accuracy"], ".3f")],
        "verdicts": {
            "the two products agree to float precision":
                {k: r["difference"][k] <= 1e-12 * r["scale"][k] for k in rows},
            "with no activation, the network stays near chance (0.5 +- 0.1)":
                {k: abs(r["accuracy"][k] - 0.5) <= NEAR_CHANCE for k in rows},
        },
    }


def logistic_regression(s):
    return s.line("X")


def logistic_regression_report(rows):
    acc, gradient = column(rows, "accuracy"), column(rows, "gradient")
    return {
        "claim": '(b) "A plain logistic regression on this data is stuck near 50% forever"',
        "measured": [("train accuracy, logistic regression", acc, ".3f"),
                     ("its gradient norm after 2000 epochs", gradient, "~0")],
        "verdicts": {
            "it stays near chance (0.5 +- 0.1)":
                {k: abs(acc[k] - 0.5) <= NEAR_CHANCE for k in rows},
            "it has converged (gradient < 1e-6): more epochs change nothing":
                {k: gradient[k] < 1e-6 for k in rows},
        },
    }


def hidden_layer_solves_xor(s):
    return {"accuracy": s.net()["accuracy"]}


def hidden_layer_solves_xor_report(rows):
    acc = column(rows, "accuracy")
    return {
        "claim": '(c) the 2-8-1 tanh network "climbs to 99.8%": the hidden layer solves XOR',
        "measured": [("train accuracy, the chapter's network", acc, ".3f")],
        "verdicts": {f"it reaches at least {SOLVED}": {k: acc[k] >= SOLVED for k in rows}},
    }


def unit_spread(params):
    """How far apart the hidden units are: the largest difference between any unit and unit 1,
    over its incoming weights, its bias and its outgoing weight."""
    per_unit = np.vstack([params["W1"], params["b1"], params["W2"].T])  # a column per unit
    return np.abs(per_unit - per_unit[:, :1]).max()


def constant_init(s):
    zeros, constant = s.net("tanh", "zeros"), s.net("tanh", "constant")
    return {"zero_spread": zeros["spread"], "zero_accuracy": zeros["accuracy"],
            "const_spread": constant["spread"], "const_accuracy": constant["accuracy"]}


def constant_init_report(rows):
    r = {key: column(rows, key) for key in rows[next(iter(rows))]}
    return {
        "claim": '(d) "All zeros -> every neuron computes the same thing ... they never '
                 'differentiate"',
        "measured": [("all zeros: largest difference between units", r["zero_spread"], "~0"),
                     ("all zeros: train accuracy", r["zero_accuracy"], ".3f"),
                     ("all 0.5: largest difference between units", r["const_spread"], "~0"),
                     ("all 0.5: train accuracy", r["const_accuracy"], ".3f")],
        "verdicts": {
            "the 8 hidden units stay identical through training (to 1e-12)":
                {k: max(r["zero_spread"][k], r["const_spread"][k]) <= 1e-12 for k in rows},
            f"so it is one unit wide, a line: accuracy under {ONE_LINE}":
                {k: max(r["zero_accuracy"][k], r["const_accuracy"][k]) < ONE_LINE for k in rows},
        },
    }


def large_init(s):
    row = {}
    for init in ("large", "xavier"):
        net = s.net("tanh", init)
        z1, a1, _, p = forward(net["start"], s.X)  # before training: saturation and dL/dW1
        row[init] = {"saturated": np.mean(np.abs(a1) > SATURATED),
                     "grad": np.linalg.norm(backward(net["start"], s.X, s.y, z1, a1, p)["W1"]),
                     "first_loss": net["log"][0][1], "loss": net["loss"],
                     "accuracy": net["accuracy"]}
    row["growth"] = row["large"]["grad"] / row["xavier"]["grad"]
    return row


def large_init_report(rows):
    def of(init, key):
        return {k: rows[k][init][key] for k in rows}

    growth = column(rows, "growth")
    return {
        "claim": '(e) "Too large -> activations saturate, gradients vanish or explode, '
                 'training stalls or NaNs"',
        "measured": [("large, N(0, 10^2): share of |a1| > 0.99", of("large", "saturated"), ".2f"),
                     ("xavier: share of |a1| > 0.99", of("xavier", "saturated"), ".2f"),
                     ("|dL/dW1| at start, large / xavier", growth, ".0f"),
                     ("large: loss at start", of("large", "first_loss"), ".2f"),
                     ("large: loss after training", of("large", "loss"), ".4f"),
                     ("xavier: loss after training", of("xavier", "loss"), ".4f"),
                     ("large: train accuracy", of("large", "accuracy"), ".3f"),
                     ("xavier: train accuracy", of("xavier", "accuracy"), ".3f")],
        "verdicts": {
            "activations saturate (over half of |a1| > 0.99; xavier: under 10%)":
                {k: rows[k]["large"]["saturated"] > 0.5 and rows[k]["xavier"]["saturated"] < 0.1
                 for k in rows},
            "gradients vanish or explode (|dL/dW1| 10x off xavier's or more)":
                {k: not 0.1 <= growth[k] <= 10 for k in rows},
            "training stalls (accuracy under 0.95) or NaNs":
                {k: not rows[k]["large"]["accuracy"] >= 0.95 for k in rows},
            "training ends worse than with xavier (higher final loss)":
                {k: rows[k]["large"]["loss"] > rows[k]["xavier"]["loss"] for k in rows},
        },
    }


VANISHING_DEPTH = 10


def vanishing_gradient(s):
    row = {}
    for activation in ("sigmoid", "tanh", "relu"):
        Ws = deep_init(s.seed, VANISHING_DEPTH)
        z, a, p = deep_forward(Ws, s.X, activation)
        row[activation] = [np.linalg.norm(dW) for dW in deep_backward(Ws, z, a, p, s.y, activation)]
    return row


def vanishing_gradient_report(rows):
    depth = VANISHING_DEPTH
    # how much of the gradient reaches the first hidden layer, against the last hidden layer
    ratio = {act: {k: rows[k][act][0] / rows[k][act][depth - 1] for k in rows}
             for act in ("sigmoid", "tanh", "relu")}
    first = next(iter(rows))
    layers = [(f"{act}, seed {first}: |dL/dW| of layers 1..{depth + 1}",
               " ".join(f"{norm:.0e}" for norm in rows[first][act]), None) for act in ratio]
    return {
        "claim": '(f) "Sigmoid in deep hidden layers causes the vanishing gradient problem"',
        "about": [f"a stack of {depth} hidden layers of 32 units with the chapter's init; layer "
                  f"{depth + 1} is the output unit's weights"],
        "measured": layers + [(f"{act}: |dW1| / |dW{depth}|", ratio[act], ".0e") for act in ratio],
        "verdicts": {
            "with sigmoid, the gradient shrinks at every layer on the way back":
                {k: all(np.diff(rows[k]["sigmoid"][:depth]) > 0) for k in rows},
            "and less than 1/10000 of it reaches the first layer":
                {k: ratio["sigmoid"][k] < 1e-4 for k in rows},
            "with tanh and ReLU (the chapter's init), more than 1/100 does":
                {k: min(ratio["tanh"][k], ratio["relu"][k]) > 1e-2 for k in rows},
        },
    }


def off_everywhere(z1):
    """Hidden units whose z1 <= 0 on every point: for ReLU, dead (output and slope zero)."""
    return ~(z1 > 0).any(0)


def dark_clusters(z1, share=0.9):
    """The clusters (indexes into CENTRES) where every hidden unit is off on at least `share`
    of the points: there a1 = 0 for ReLU, and all the output sees is b2."""
    all_off = ~(z1 > 0).any(1)
    per_cluster = all_off.reshape(len(CENTRES), -1).mean(1)
    return [k for k in range(len(CENTRES)) if per_cluster[k] >= share]


def activation_table(s):
    row = {}
    for activation in TABLE:
        net = s.net(activation)
        params = net["params"]
        z1, _, _, p = forward(params, s.X, activation)
        dark = dark_clusters(z1)
        p = p.reshape(len(CENTRES), -1)  # a row per cluster
        row[activation] = {"accuracy": net["accuracy"], "solved_at": net["solved_at"],
                           "dead": int(off_everywhere(z1).sum()),
                           "dark": dark, "dark_p": [p[c].mean() for c in dark],
                           "x2_weight_negative": int((params["W1"][1] < 0).sum()),
                           "bias_negative": int((params["b1"] < 0).sum())}
    for activation in ("relu", "leaky_relu"):  # a start where ReLU units die
        net = s.net(activation, b1=DEAD_START)
        z1, a1, _, p = forward(net["params"], s.X, activation)
        dead = off_everywhere(z1)
        dW1 = backward(net["params"], s.X, s.y, z1, a1, p, activation)["W1"]
        row[f"{activation} b1"] = {
            "accuracy": net["accuracy"],
            "dead_start": int(off_everywhere(forward(net["start"], s.X, activation)[0]).sum()),
            "dead": int(dead.sum()),
            "dead_gradient": np.abs(dW1[:, dead]).max() if dead.any() else np.nan}
    return row


def centre_name(k):
    x1, x2 = CENTRES[k]
    return f"({x1:+.0f},{x2:+.0f}) class {LABELS[k]}"


def activation_table_report(rows):
    seeds = list(rows)
    n = len(seeds)
    lines = [f"{'activation':<11} {'solved':>9}  {'median epoch to 0.99':>20}  "
             f"{'units off everywhere':>20}"]
    solved = {}
    for act in TABLE:
        solved[act] = {k: rows[k][act]["accuracy"] >= SOLVED for k in seeds}
        epochs = [rows[k][act]["solved_at"] for k in seeds if rows[k][act]["solved_at"] is not None]
        median = f"{np.median(epochs):.0f}" if epochs else "not reached"
        dead = sum(rows[k][act]["dead"] for k in seeds)
        lines.append(f"{act:<11} {sum(solved[act].values()):>4} of {n:<3} {median:>20}  "
                     f"{dead:>9} in {n} nets")
    failures = [(k, act) for act in ("relu", "leaky_relu") for k in seeds if not solved[act][k]]
    why = []
    for k, act in failures[:4]:
        r = rows[k][act]
        where = ", ".join(f"{centre_name(c)} (mean p {p:.3f})"
                          for c, p in zip(r["dark"], r["dark_p"])) or "none"
        why.append(f"{act}, seed {k} ({r['accuracy']:.3f}): every unit off on 90% or more of "
                   f"clusters {where}; units with a negative weight on x2: "
                   f"{r['x2_weight_negative']} of 8, with a negative bias: {r['bias_negative']} "
                   "of 8")
    relu_b1, leaky_b1 = ({k: rows[k][f"{act} b1"] for k in seeds} for act in ("relu", "leaky_relu"))
    mixed = [(k, act) for k, act in failures if classes_of(rows[k][act]["dark"]) == {0, 1}]
    return {
        "claim": '(g) the activation table: "ReLU ... the default for hidden layers", '
                 '"Leaky ReLU ... avoids dead neurons", "GELU/SiLU ... the modern default"',
        "about": [f"the chapter's network and settings, one hidden activation at a time; "
                  f"solved means train accuracy >= {SOLVED}; a unit is off everywhere when "
                  "z1 <= 0 on every training point at the end; for ReLU such a unit is dead "
                  "(its output and its slope are zero there)"],
        "table": lines,
        "notes": ["where ReLU or Leaky ReLU fail, what was measured:"] + why,
        "measured": [
            (f"hidden biases start at {DEAD_START:g}: relu units dead at the start",
             {k: v["dead_start"] for k, v in relu_b1.items()}, "d"),
            ("... relu units dead at the end", {k: v["dead"] for k, v in relu_b1.items()}, "d"),
            ("... leaky_relu units off everywhere at the end",
             {k: v["dead"] for k, v in leaky_b1.items()}, "d"),
            ("... relu train accuracy", {k: v["accuracy"] for k, v in relu_b1.items()}, ".3f"),
            ("... leaky_relu train accuracy",
             {k: v["accuracy"] for k, v in leaky_b1.items()}, ".3f"),
        ],
        "verdicts": {
            "relu solves XOR with the chapter's settings": solved["relu"],
            "gelu and silu solve it too":
                {k: solved["gelu"][k] and solved["silu"][k] for k in seeds},
            "no relu unit dies with the chapter's settings":
                {k: rows[k]["relu"]["dead"] == 0 for k in seeds},
            "where relu or leaky_relu fail, it is not dead units but whole clusters, one of "
            "each class, where every unit is off":
                (len(mixed) == len(failures),
                 f"{len(mixed)} of {len(failures)} failures" if failures else "no failures"),
            f"with biases starting at {DEAD_START:g}, relu units do die (1 or more)":
                {k: relu_b1[k]["dead"] > 0 for k in seeds},
            "dead relu units get no gradient at all (so they stay dead)":
                {k: not relu_b1[k]["dead_gradient"] > 0 for k in seeds if relu_b1[k]["dead"]},
            "leaky_relu avoids them: where relu units die, fewer of its units end off "
            "everywhere": {k: leaky_b1[k]["dead"] < relu_b1[k]["dead"]
                           for k in seeds if relu_b1[k]["dead"]},
            "leaky_relu still learns there: solved on at least as many seeds as relu":
                (sum(leaky_b1[k]["accuracy"] >= SOLVED for k in seeds)
                 >= sum(relu_b1[k]["accuracy"] >= SOLVED for k in seeds),
                 f"{sum(leaky_b1[k]['accuracy'] >= SOLVED for k in seeds)} against "
                 f"{sum(relu_b1[k]['accuracy'] >= SOLVED for k in seeds)} of {n}"),
        },
    }


def classes_of(clusters):
    return {int(LABELS[c]) for c in clusters}


SCALINGS = {"chapter's 1/sqrt(n)": 1.0, "He's sqrt(2/n)": np.sqrt(2), "half the chapter's": 0.5,
            "3x the chapter's": 3.0}
STACK_DEPTH, STACK_WIDTH = 20, 64


def signal_variance(s):
    """The spread of each layer's activations in a stack of 20 hidden layers of 64 units."""
    row = {}
    for activation in ("tanh", "relu"):
        for name, gain in SCALINGS.items():
            Ws = deep_init(s.seed, STACK_DEPTH, STACK_WIDTH, gain=gain)
            _, a, _ = deep_forward(Ws, s.X, activation)
            row[activation, name] = {"std": [layer.std() for layer in a[1:]],
                                     "saturated": np.mean(np.abs(a[-1]) > SATURATED)}
    return row


def signal_variance_report(rows):
    seeds = list(rows)

    def change(activation, name):  # the last layer's spread over the first's, per seed
        return {k: rows[k][activation, name]["std"][-1] / rows[k][activation, name]["std"][0]
                for k in seeds}

    chapter, he, half, big = SCALINGS
    return {
        "claim": '(h) "Good initialization keeps the signal\'s variance stable as it flows '
                 'through layers"',
        "about": [f"{STACK_DEPTH} hidden layers of {STACK_WIDTH} units on the XOR inputs, no "
                  "training; std of layer 20's activations / std of layer 1's"],
        "measured": [(f"{activation}, {name}", change(activation, name), ".0e")
                     for activation in ("tanh", "relu") for name in SCALINGS]
        + [("tanh, 3x: share of |a| > 0.99 at layer 20",
            {k: rows[k]["tanh", big]["saturated"] for k in seeds}, ".2f")],
        "verdicts": {
            "the chapter's scaling keeps tanh's spread within a factor of 2":
                {k: 0.5 <= change("tanh", chapter)[k] <= 2 for k in seeds},
            "ReLU needs more than the chapter's: with it, ReLU's spread falls over 100x":
                {k: change("relu", chapter)[k] < 1e-2 for k in seeds},
            "... and He's keeps ReLU's spread within a factor of 2":
                {k: 0.5 <= change("relu", he)[k] <= 2 for k in seeds},
            "too small vanishes: half the chapter's loses over 1000x, tanh and relu":
                {k: max(change("tanh", half)[k], change("relu", half)[k]) < 1e-3
                 for k in seeds},
            "too large saturates tanh: over half of layer 20's |a| > 0.99 at 3x":
                {k: rows[k]["tanh", big]["saturated"] > 0.5 for k in seeds},
            "... and makes ReLU explode: its spread grows over 1000x at 3x":
                {k: change("relu", big)[k] > 1e3 for k in seeds},
        },
    }


def bending(s):
    return {"raw": s.line("X")["accuracy"], "trained": s.line("trained a1")["accuracy"],
            "start": s.line("starting a1")["accuracy"]}


def bending_report(rows):
    r = {key: column(rows, key) for key in ("raw", "trained", "start")}
    return {
        "claim": '(i) the hidden layer solved it "by bending the input space until the classes '
                 'became separable"',
        "about": ["the best a straight line does: a logistic regression (lr 0.5, 2000 epochs) "
                  "on the inputs X, and on the hidden activations a1, before and after training"],
        "measured": [("a line on the inputs X", r["raw"], ".3f"),
                     ("a line on a1 of the starting network", r["start"], ".3f"),
                     ("a line on a1 of the trained network", r["trained"], ".3f")],
        "verdicts": {
            "on the inputs no line does better than chance (0.5 +- 0.1)":
                {k: abs(r["raw"][k] - 0.5) <= NEAR_CHANCE for k in rows},
            f"on the trained a1 a line separates them (at least {SOLVED})":
                {k: r["trained"][k] >= SOLVED for k in rows},
            f"training did the bending: on the starting a1 a line gets under {ONE_LINE}":
                {k: r["start"][k] < ONE_LINE for k in rows},
        },
    }


def zero_centred(s):
    row = {}
    for activation in ("tanh", "sigmoid"):
        net = s.net(activation)
        row[activation] = {"start": forward(net["start"], s.X, activation)[1].mean(),
                           "end": forward(net["params"], s.X, activation)[1].mean(),
                           "solved_at": net["solved_at"]}
    return row


def zero_centred_report(rows):
    def mean_a1(activation, when):
        return {k: rows[k][activation][when] for k in rows}

    def slower(k):  # sigmoid reaches 99% later than tanh, or never
        tanh, sigmoid = rows[k]["tanh"]["solved_at"], rows[k]["sigmoid"]["solved_at"]
        return tanh is not None and (sigmoid is None or sigmoid > tanh)

    return {
        "claim": '(j) Tanh: "zero-centered hidden activations"',
        "about": ["the mean of a1 over every point and hidden unit, for the chapter's network "
                  "with tanh and with sigmoid; nearer 0 than 0.5 means |mean| < 0.25"],
        "measured": [("tanh: mean a1 at the start", mean_a1("tanh", "start"), "+.3f"),
                     ("tanh: mean a1 after training", mean_a1("tanh", "end"), "+.3f"),
                     ("sigmoid: mean a1 at the start", mean_a1("sigmoid", "start"), "+.3f"),
                     ("sigmoid: mean a1 after training", mean_a1("sigmoid", "end"), "+.3f")],
        "verdicts": {
            "tanh's hidden activations start centred on zero (|mean a1| < 0.05)":
                {k: abs(rows[k]["tanh"]["start"]) < 0.05 for k in rows},
            "and stay nearer 0 than 0.5 after training":
                {k: abs(rows[k]["tanh"]["end"]) < 0.25 for k in rows},
            "sigmoid's are centred near 0.5, not zero (mean a1 > 0.25, start and end)":
                {k: min(rows[k]["sigmoid"]["start"], rows[k]["sigmoid"]["end"]) > 0.25
                 for k in rows},
            "sigmoid, not zero-centred, reaches 99% later than tanh or never (its slope, at "
            "most 0.25, is smaller too: this does not tell the two causes apart)":
                {k: slower(k) for k in rows},
        },
    }


CLAIMS = [(depth_collapse, depth_collapse_report),
          (logistic_regression, logistic_regression_report),
          (hidden_layer_solves_xor, hidden_layer_solves_xor_report),
          (constant_init, constant_init_report),
          (large_init, large_init_report),
          (vanishing_gradient, vanishing_gradient_report),
          (activation_table, activation_table_report),
          (signal_variance, signal_variance_report),
          (bending, bending_report),
          (zero_centred, zero_centred_report)]


def measure_seed(seed, nets=None, claims=CLAIMS):
    """Every claim's measurements on one seed: {claim name: measurements}."""
    s = Seed(seed, nets)
    return {measure.__name__: measure(s) for measure, _ in claims}


def measure_task(task):
    return measure_seed(*task)


def train_networks(task):
    """The task's networks, trained; the chapter's also carry the lines fitted on them."""
    seeds, key = task
    trained = trained_nets(seeds, *key)
    if key == CHAPTER:
        for net, lines in zip(trained, fitted_lines(seeds, trained)):
            net["lines"] = lines
    return trained


# Seeds trained together in one stack (companion/many.py): measured fastest from 10 to 25 seeds
# (issue 22); a larger stack outgrows the processor's caches.
CHUNK = 20


def measure_all(seeds, workers=1, on_done=None, claims=CLAIMS, networks=NETWORKS):
    """{claim name: {seed: measurements}}, the work spread over `workers` processes.

    First every network is trained, one task for each network and chunk of up to CHUNK seeds,
    the chunk's networks trained at once (companion/many.py); then each seed's claims are
    measured with its networks. Results are gathered in
    the order the tasks were given, so they are the same whatever the number of workers.
    """
    chunks = [seeds[k:k + CHUNK] for k in range(0, len(seeds), CHUNK)]
    tasks = [(chunk, key) for chunk in chunks for key in networks]
    done = 0

    def counted(results, units):
        nonlocal done
        for result, unit in zip(results, units):
            done += unit
            if on_done:
                on_done(done)
            yield result

    def run(mapper):
        nets = {}
        for (chunk, key), trained in zip(tasks, counted(mapper(train_networks, tasks),
                                                        (len(chunk) for chunk, _ in tasks))):
            nets.update({(seed, key): net for seed, net in zip(chunk, trained)})
        per_seed = [(seed, {key: nets[seed, key] for key in networks}, claims) for seed in seeds]
        return list(counted(mapper(measure_task, per_seed), [1] * len(seeds)))

    if workers <= 1:
        by_seed = run(map)
    else:
        with Workers(workers) as pool:  # the workers are killed on any way out
            by_seed = run(pool.map)
    return {measure.__name__: dict(zip(seeds, (row[measure.__name__] for row in by_seed)))
            for measure, _ in claims}


def work_units(seeds):
    """How many tasks measure_all reports as done, for a progress line."""
    return len(seeds) * (len(NETWORKS) + 1)


# ---- worker processes ----
#
# Plain processes of our own, not multiprocessing.Pool: each worker has a pipe of its own, and
# the parent sends it one task at a time and waits on the pipes and on the processes themselves.
# No lock or queue is shared, so nothing a dying worker holds can block the parent; and on the
# way out, however it comes (the end, an error, Ctrl-C, SIGTERM, SIGHUP), every worker is
# killed and reaped. (Pool.terminate() could deadlock on its task queue's lock when a signal
# came while a task was being fed: issue 17.)

class WorkerDied(Exception):
    """A worker process ended before it sent its result: killed by a signal or by the OS."""


class Workers:
    """`count` worker processes; map(function, tasks) yields function(task) for each task, in
    the order of tasks. A task's exception is raised in the parent, as it would be in one
    process. Use it in a with block: leaving it kills the workers."""

    def __init__(self, count):
        spawn = multiprocessing.get_context("spawn")  # fresh workers, the same on every system
        self.processes, self.pipes = [], []
        try:
            with one_blas_thread(), workers_starting():
                for _ in range(count):
                    mine, theirs = spawn.Pipe()
                    process = spawn.Process(target=serve, args=(theirs,), daemon=True)
                    self.processes.append(process)
                    self.pipes.append(mine)
                    process.start()
                    theirs.close()
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def map(self, function, tasks):
        tasks = list(tasks)
        results, waiting, given, busy = {}, 0, 0, {}  # busy: worker -> index of its task
        idle = list(range(len(self.processes)))
        while waiting < len(tasks):
            while idle and given < len(tasks):
                worker = idle.pop(0)
                self.send(worker, (function, tasks[given]))
                busy[worker] = given
                given += 1
            pipes = {self.pipes[w]: w for w in busy}
            ends = {self.processes[w].sentinel: w for w in busy}
            for ready in multiprocessing.connection.wait(list(pipes) + list(ends)):
                worker = pipes.get(ready, ends.get(ready))
                if worker not in busy:
                    continue  # both its pipe and its end were ready: its result is in
                results[busy.pop(worker)] = self.receive(worker)
                idle.append(worker)
            while waiting in results:
                yield results.pop(waiting)
                waiting += 1

    def send(self, worker, message):
        try:
            self.pipes[worker].send(message)
        except OSError:  # a broken pipe: the worker is gone
            raise self.died(worker) from None

    def receive(self, worker):
        """The result of the worker's task, or its exception raised here."""
        try:
            ok, value = self.pipes[worker].recv()
        except (EOFError, OSError):  # it ended without a word
            raise self.died(worker) from None
        if not ok:
            raise value
        return value

    def died(self, worker):
        process = self.processes[worker]
        process.join(1)
        code = process.exitcode
        how = (f"killed by signal {-code}" if code is not None and code < 0
               else f"exit status {code}")
        return WorkerDied(f"a worker process ended before it sent its result ({how})")

    def close(self):
        """Kill every worker and reap it: a kill can't be ignored, and no lock is waited on."""
        for process in self.processes:
            if process.pid is not None and process.exitcode is None:
                process.kill()
        for process in self.processes:
            if process.pid is not None:
                process.join()
        for pipe in self.pipes:
            pipe.close()
        self.processes, self.pipes = [], []


def serve(pipe):
    """A worker: run each task the parent sends and send back (True, result), or (False, the
    exception) if the task raised; end when the parent closes its pipe."""
    quiet_worker()
    while True:
        try:
            function, task = pipe.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer = (True, function(task))
        except Exception as err:  # noqa: BLE001 (the parent raises it)
            answer = (False, err)
        try:
            pipe.send(answer)
        except (OSError, KeyboardInterrupt):  # the parent is gone
            return
        except Exception:  # noqa: BLE001 (an exception that does not pickle)
            pipe.send((False, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))


@contextlib.contextmanager
def one_blas_thread():
    """Start processes whose BLAS runs one thread: each worker has a core of its own, and on
    matrices this small more threads only fight over the cores (the results are the same)."""
    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: value or "1" for name, value in saved.items()})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]


# Ctrl-C and, where the system has it, SIGHUP: the signals that reach the whole process group;
# and every signal that ends a run (companion/cli.py's SIGNALS: these and SIGTERM)
GROUP_SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGHUP") if hasattr(signal, name)]
SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
           if hasattr(signal, name)]


@contextlib.contextmanager
def workers_starting():
    """While worker processes start: whatever a worker might write before it is ready goes
    nowhere, and the parent is not stopped half-way through starting one.

    Ctrl-C and SIGHUP reach the whole process group, workers too, and only the parent
    answers them: it ends the workers itself (quiet_worker makes a running worker ignore
    them). But a worker still starting, importing NumPy, which takes seconds on a busy
    machine, answers Ctrl-C with a KeyboardInterrupt and its traceback. So the workers are
    started with the null device as their stderr: they inherit the parent's, which is
    pointed there meanwhile. (Neither a blocked signal nor SIG_IGN does it: spawn's new
    process does not keep the blocked set, and SIG_IGN in the parent would lose a Ctrl-C
    sent while the workers start: issue 17.)

    And any of the signals that end a run is held meanwhile by a handler that only notes
    it, and answered as soon as the workers have started: stopped half-way, a worker would
    be left reading a half-sent start."""
    held = []
    saved = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum, handler in saved.items():
        if handler not in (signal.SIG_IGN, None):
            signal.signal(signum, lambda signum, frame: held.append(signum))
    sys.stderr.flush()
    stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(stderr, 2)
        os.close(stderr)
        for signum, handler in saved.items():
            if handler is not None:
                signal.signal(signum, handler)
        if held:  # now answer the first, as it would have been answered at once
            answer = saved[held[0]]
            if callable(answer):
                answer(held[0], None)
            elif answer == signal.SIG_DFL:
                signal.raise_signal(held[0])


def quiet_worker():
    """In a worker: never print (an error in a task reaches the parent, which reports it; a
    worker whose parent is gone would only print the broken pipe), and end with the parent."""
    for signum in GROUP_SIGNALS:  # the parent's to answer (see workers_starting)
        signal.signal(signum, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    if sys.platform.startswith("linux"):  # SIGTERM when the parent dies, whatever killed it
        import ctypes
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


PROCESS_MEMORY = 55e6  # a process with NumPy and this module: measured, a worker peaks at 50 MB
PER_SEED = 100e3       # what the parent keeps of a seed (networks, measurements): measured 90 kB


def report_memory(seeds, workers):
    """The bytes a report will need at its peak: the parent and its workers, and what the
    parent keeps of every seed until the report is written."""
    return PROCESS_MEMORY * (workers + 1) + PER_SEED * seeds


def most_workers():
    """The most worker processes worth starting: four per core; more only fight for them."""
    return 4 * (os.cpu_count() or 1)


# ---- the report ----

def seeds_verdict(held):
    """'holds on all 5 seeds', 'holds on 3 of 5 seeds (not 1, 4)', 'holds on none of ...'."""
    if isinstance(held, tuple):  # one verdict on all the seeds at once
        ok, why = held
        return f"{'holds' if ok else 'does not hold'} ({why})"
    no = [seed for seed, ok in held.items() if not ok]
    n = len(held)
    if not n:
        return "nothing to judge"
    if not no:
        return f"holds on all {n} seeds" if n > 1 else "holds on the 1 seed"
    if len(no) == n:
        return f"holds on none of the {n} seeds" if n > 1 else "does not hold on the 1 seed"
    shown = ", ".join(map(str, no[:5])) + (", ..." if len(no) > 5 else "")
    return f"holds on {n - len(no)} of {n} seeds (not on {shown})"


def shown(value, fmt):
    """format(value, fmt); with fmt "~0", a number under ROUNDING is ~0, others as ".0e"."""
    if fmt == "~0":
        return "~0" if abs(value) < ROUNDING else format(value, ".0e")
    return format(value, fmt)


def summary(values, fmt):
    """Every seed's value when there are five or fewer, else the median and the range."""
    values = list(values)
    if len(values) <= 5:
        return " ".join(shown(v, fmt) for v in values)
    if fmt == "~0" and max(map(abs, values)) < ROUNDING:
        return f"~0 on all {len(values)}"
    lo, mid, hi = np.min(values), np.median(values), np.max(values)
    if fmt == "d" and mid != int(mid):
        mid, fmt_mid = mid, ".1f"  # the median of whole numbers can fall halfway
    else:
        mid, fmt_mid = (int(mid) if fmt == "d" else mid), fmt
    return f"median {shown(mid, fmt_mid)}, {shown(lo, fmt)} to {shown(hi, fmt)}"


def report(result):
    """The claim, what was measured and the verdicts, as lines of at most 80 columns."""
    rows = [(label, values if isinstance(values, str) else summary(values.values(), fmt))
            for label, values, fmt in result["measured"]]
    width = max(len(label) for label, _ in rows)
    lines = [wrap(result["claim"], indent="    ")]
    lines += [wrap(text, indent="    ", first="    ") for text in result.get("about", [])]
    lines += ["    " + line for line in result.get("table", [])]
    for label, values in rows:
        if 4 + width + 2 + len(values) <= WIDTH:
            lines.append(f"    {label:<{width}}  {values}")
        else:  # too wide beside the others: the values go on a line of their own
            lines += [f"    {label}", f"      {values}"]
    lines += [wrap(note, indent="      ", first="    ") for note in result.get("notes", [])]
    lines += [wrap(f"- {part}: {seeds_verdict(held)}", indent="      ", first="    ")
              for part, held in result["verdicts"].items()]
    return "\n".join(lines)


# ---- the reader's own sweeps: one knob, many seeds ----

SWEEP_DEFAULTS = {"hidden": 8, "lr": 0.5, "activation": "tanh", "init": "xavier", "epochs": 2000,
                  "noise": 0.35, "data": "xor"}  # the chapter's, as nn_from_scratch.py's

def knob_types():
    """The knobs a sweep may turn, each with the type of its flag (as nn_from_scratch.py's)."""
    from companion.datasets import DATA_NAMES
    return {"hidden": number(int, 1), "lr": number(float, 0, strict=True),
            "activation": choice(ACTIVATION_NAMES), "init": choice(INITS),
            "epochs": number(int, 1, high=MOST_EPOCHS),
            "noise": number(float, 0, high=MOST_NOISE), "data": choice(DATA_NAMES)}


def parse_sweep(text):
    """'hidden=1,2,3' -> ("hidden", [1, 2, 3]); a bad sweep raises ValueError saying why."""
    knobs = knob_types()
    knob, equals, values = text.partition("=")
    if not equals:
        raise ValueError(f"--sweep {text[:20]!r} is not KNOB=V1,V2,... (see --help)")
    if knob not in knobs:
        raise ValueError(f"--sweep: {knob[:20]!r} is not a knob; the knobs are in --help")
    if "=" in values:
        raise ValueError("--sweep: one knob at a time")
    parts = values.split(",")
    if not values or "" in parts:
        raise ValueError(f"--sweep {knob}: a value is missing in {values!r}")
    for part in parts:
        try:
            knobs[knob](part)
        except argparse.ArgumentTypeError as err:
            why = f"--sweep {knob}: {err}"
            if len(why) > WIDTH - len("experiments.py: "):  # a list of names: too long
                why = f"--sweep {knob}: {part[:20]!r} is not a name it takes"
            raise ValueError(why) from None
    return knob, [knobs[knob](part) for part in parts]


def sweep_nets(seeds, hidden, lr, activation, init, epochs, noise, data, test, on_done=None):
    """Train one network per seed with these knobs, CHUNK seeds at a time (companion/many.py),
    each bit for bit what nn_from_scratch.py trains with the same flags. A dict per seed:
    solved_at (None if never), accuracy, loss, test (accuracy, None without a test set), or
    {"diverged": the Diverged} for a run that broke down."""
    from companion.datasets import make_data, make_test_data
    results = []
    for k in range(0, len(seeds), CHUNK):
        chunk = seeds[k:k + CHUNK]
        sets = [make_data(data, seed, noise) for seed in chunk]
        X, y = np.stack([X for X, _ in sets]), np.stack([y for _, y in sets])
        params = many.stack([init_params(2, hidden, init, seed) for seed in chunk])
        solved_at = [None] * len(chunk)
        network = range(len(chunk))

        def watch(epoch, p, which):
            if None in solved_at[which]:
                for j, right in zip(network[which], many.accuracies(p, y[which])):
                    if solved_at[j] is None and right >= SOLVED:
                        solved_at[j] = epoch

        logs = many.train(params, X, y, activation, lr, epochs, on_epoch=watch)
        for j, (net, seed) in enumerate(zip(many.unstack(params), chunk)):
            results.append(scored(net, X[j], y[j], logs[j], solved_at[j], activation,
                                  test and make_test_data(data, seed, noise, test)))
        if on_done:
            on_done(len(results))
    return results


def scored(params, X, y, log, solved_at, activation, test):
    """What a sweep shows of one trained network."""
    if isinstance(log, Diverged):
        return {"diverged": log}
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            p = predict(params, X, activation)
            held_out = test and accuracy(predict(params, test[0], activation), test[1])
    except FloatingPointError as err:  # the last update's weights overflow when used
        return {"diverged": Diverged(len(log), str(err))}
    return {"solved_at": solved_at, "accuracy": accuracy(p, y), "loss": bce_loss(p, y),
            "test": held_out if test else None}


# the sweep's columns: the knob's value, solved, first epoch at 0.99, train accuracy, test
# accuracy, loss, breakdowns; the rows and both lines of the head are made with these widths
SWEEP_COLUMNS = "{:<10} {:>8} {:>7}  {:<17}  {:<17}  {:<6}  {:>5}"
SWEEP_HEAD = (SWEEP_COLUMNS.format("", "seeds", "first", "train accuracy", "test accuracy",
                                   "median", "broke"),
              ("solved", "at 0.99", "median range", "median range", "loss", "down"))


def sweep_row(value, runs):
    """One line of the sweep's table, within 80 columns: how many seeds solved it, the median
    first epoch at 0.99 (of those that reached it), the median and range of the accuracies,
    the median final loss (of the runs that did not break down), how many broke down."""
    fine = [run for run in runs if "diverged" not in run]
    epochs = [run["solved_at"] for run in fine if run["solved_at"] is not None]
    solved = sum(run["accuracy"] >= SOLVED for run in fine)

    def spread(key):
        values = [run[key] for run in fine if run[key] is not None]
        if not values:
            return "-"
        return f"{np.median(values):.3f} {min(values):.3f}-{max(values):.3f}"

    text = f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, float) and len(text) > 10:  # cut, 1.23456e-300 would read 1.23456e-3
        text = f"{value:.3g}"
    first = f"{np.median(epochs):.0f}" if epochs else "-"
    loss = f"{np.median([run['loss'] for run in fine]):.4f}" if fine else "-"
    return SWEEP_COLUMNS.format(text[:10], f"{solved} of {len(runs)}", first, spread("accuracy"),
                                spread("test"), loss, len(runs) - len(fine)).rstrip()


def run_sweep(args, knob, values):
    seeds = list(range(args.seeds))
    settings = {name: getattr(args, name) for name in knob_types()}
    widest = max(values) if knob == "hidden" else settings["hidden"]
    need = 12 * 8 * min(len(seeds), CHUNK) * max(400, args.test or 0) * widest
    if need > memory_budget():
        fail(f"experiments.py: the sweep needs about {size(need, up=True)} of memory, the "
             f"budget {size(memory_budget(), up=False)}")
        return 2
    fixed = ", ".join(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
                      for name, value in settings.items() if name != knob)
    which = f"seeds {seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else f"seed {seeds[0]}"
    print(wrap(f"--sweep {knob}, on {which}; {fixed}"
               + (f"; {args.test} held-out points" if args.test else "")
               + f"; solved means train accuracy >= {SOLVED}", indent=""))
    print()
    print(SWEEP_HEAD[0].rstrip())
    print(SWEEP_COLUMNS.format(knob, *SWEEP_HEAD[1]).rstrip())
    progress = Progress(len(values) * len(seeds), "network")
    try:
        for k, value in enumerate(values):
            def done(n, k=k):
                progress.update(k * len(seeds) + n)
            runs = sweep_nets(seeds, **{**settings, knob: value}, test=args.test, on_done=done)
            progress.clear()
            print(sweep_row(value, runs))
    except KeyboardInterrupt as stop:
        progress.clear()
        raise Stop(getattr(stop, "signum", signal.SIGINT),
                   f"after {progress.done} of {progress.total} networks") from None
    return 0


# ---- the summary at the end of the report: one row per claim ----

# Where a claim does not hold on every seed, whose failing it is: the chapter's claim, or our
# setting (a 2-8-1 network on four clusters, 2000 epochs). Each says what the report measured.
WHOSE = {
    "depth_collapse": "see (a) above",
    "logistic_regression": "see (b) above",
    "hidden_layer_solves_xor": "our setting: see (c) above",
    "constant_init": "see (d) above",
    "large_init": "our setting: a 2-8-1 network recovers from N(0, 10^2) weights in 2000 "
                  "epochs; it does not stall",
    "vanishing_gradient": "our setting: a seed or two of the 10-layer stack",
    "activation_table": "our setting: on a seed or two every relu unit goes off on two "
                        "clusters; and leaky_relu units end off everywhere too (not dead)",
    "signal_variance": "the chapter's, in part: on some seeds its 1/sqrt(n) lets tanh's spread "
                       "fall more than 2x over the 20 layers, or 3x saturates under half of "
                       "tanh's units (the rows above give the numbers)",
    "bending": "see (i) above",
    "zero_centred": "our setting: on a few seeds training moves tanh's mean a1 past 0.25",
}


def part_rate(held):
    """(seeds it held on, seeds judged) of one verdict part."""
    if isinstance(held, tuple):  # one verdict on all the seeds at once
        return (1, 1) if held[0] else (0, 1)
    return sum(held.values()), len(held)


def summary_table(results, names):
    """The report's last lines: a row per claim, its verdict in a few words, and where it does
    not hold on every seed, whose failing that is (WHOSE)."""
    lines = ["Summary: a claim holds when each of its parts held on every seed"]
    for result, name in zip(results, names):
        letter = result["claim"][:3]
        rates = [part_rate(held) for held in result["verdicts"].values()]
        whole = sum(ok == n for ok, n in rates)
        seeds = max(n for _, n in rates)
        if whole == len(rates):
            parts = f"all {len(rates)} parts" if len(rates) > 1 else "its one part"
            lines.append(f"{letter}  holds: {parts}, on every seed")
            continue
        ok, n = min(rates, key=lambda rate: rate[0] / rate[1])
        weakest = f"none of {n}" if ok == 0 else f"{ok} of {n}"
        lines.append(f"{letter}  {whole} of {len(rates)} parts hold on all {seeds} seeds; the "
                     f"weakest on {weakest}")
        lines.append(wrap(WHOSE[name], indent="     ", first="     "))
    return lines


def main(argv=None):
    parser = ArgumentParser(prog="experiments.py", description="Run every claim of the chapter.")
    parser.add_argument("--seeds", type=number(int, 1, high=10000), default=5, metavar="N",
                        help="run each claim on seeds 0 to N-1 (default: 5)")
    parser.add_argument("--workers", type=number(int, 1, high=most_workers()), default=None,
                        metavar="N",
                        help="processes to spread the seeds over, at most 4 per core "
                             f"({most_workers()} here) (default: one per core)")
    parser.add_argument("--sweep", action="append", metavar="KNOB=V1,V2,...",
                        help="instead of the report: train the chapter's network on every seed "
                             "for each value of one knob (" + ", ".join(knob_types())
                             + ") and print a row per value")
    for name, kind in knob_types().items():
        parser.add_argument(f"--{name}", type=kind, default=SWEEP_DEFAULTS[name], metavar="X",
                            help=f"with --sweep: the {name} when it is not the knob swept "
                                 f"(default: {SWEEP_DEFAULTS[name]})")
    parser.add_argument("--test", type=number(int, 1, high=10**6), default=None, metavar="N",
                        help="with --sweep: also the accuracy on N held-out points per seed")
    args = parser.parse_args(argv)
    if args.sweep:
        if len(args.sweep) > 1:
            fail("experiments.py: --sweep: one knob at a time")
            return 2
        try:
            knob, values = parse_sweep(args.sweep[0])
        except ValueError as err:
            fail(f"experiments.py: {err}")
            return 2
        return run_sweep(args, knob, values)
    changed = [name for name in (*knob_types(), "test")
               if getattr(args, name) != SWEEP_DEFAULTS.get(name)]
    if changed:
        fail(f"experiments.py: --{changed[0]} is for --sweep; the report runs the chapter's "
             "settings")
        return 2
    seeds = list(range(args.seeds))
    workers = min(args.workers or os.cpu_count() or 1, len(seeds))
    need, budget = report_memory(len(seeds), workers if workers > 1 else 0), memory_budget()
    if need > budget:
        fail(f"experiments.py: the report needs about {size(need, up=True)} of memory, the "
             f"budget {size(budget, up=False)}")
        return 2
    which = f"seeds {seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else f"seed {seeds[0]}"
    print(f"The chapter's claims, run on {which} (each seed draws the data and")
    print("the weights), with lr 0.5, 2000 full-batch epochs and 8 hidden units, as in the")
    print("chapter, unless a claim says otherwise. ~0 is a number under 1e-12: zero up to")
    print("float64's rounding, whose last digits differ from one processor to another.")
    progress = Progress(work_units(seeds), "task")
    try:
        measured = measure_all(seeds, workers, on_done=progress.update)
    except Diverged as err:  # not seen with these settings; said plainly if it ever happens
        fail(f"experiments.py: training broke down {err}")
        return 1
    except WorkerDied as err:  # the OS killed it (out of memory?), or someone did
        progress.clear()
        fail(f"experiments.py: {err}; try again, or with --workers 1")
        return 1
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM or SIGHUP: say how far it got
        progress.clear()
        raise Stop(getattr(stop, "signum", signal.SIGINT),
                   f"after {progress.done} of {progress.total} tasks") from None
    progress.clear()
    results = [report_of(measured[measure.__name__]) for measure, report_of in CLAIMS]
    for result in results:
        print()
        print(report(result))
    print()
    print("\n".join(summary_table(results, [measure.__name__ for measure, _ in CLAIMS])))
    return 0


if __name__ == "__main__":
    command(main)
