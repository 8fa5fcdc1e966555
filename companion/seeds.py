"""The networks experiments.py's claims measure, each trained once a seed, many seeds at once.

    NETWORKS                       every network the claims train on each seed
    Seed(seed, nets)               a seed's data, and its networks and lines: each made once
    trained_nets(seeds, ...)       one network trained on each seed, all in one stack
    fitted_lines(seeds, nets)      the straight lines of claims (b) and (i), stacked too
    measure_all(seeds, claims)     every claim measured on every seed, over worker processes

How the report runs: first every network of NETWORKS is trained on a chunk of up to CHUNK seeds
at once (companion/many.py), each bit for bit what training it alone with train() gives, and
the chapter's networks get their lines fitted; then each seed's claims are measured, each claim
asking its Seed for the networks and lines it needs. Both are tasks for worker processes
(companion/workers.py), and their results are gathered in the order of the tasks: the report is
the same whatever the number of workers.
"""

import numpy as np

from companion import many
from companion.many import CHUNK, SOLVED
from companion.workers import Workers
from nn_from_scratch import (Diverged, accuracy, bce_loss, forward, init_params, make_xor_data,
                             predict, sigmoid)

TABLE = ("tanh", "sigmoid", "relu", "leaky_relu", "gelu", "silu")  # the chapter's table, run
DEAD_START = -1.0   # (g): every hidden bias starts here, where ReLU units die

# Every network the claims train on each seed: (activation, init, b1), b1 where every hidden bias
# starts. The first, CHAPTER, is the chapter's own.
CHAPTER = ("tanh", "xavier", 0.0)
NETWORKS = ([(activation, "xavier", 0.0) for activation in TABLE + ("identity",)]
            + [("tanh", init, 0.0) for init in ("large", "zeros", "constant")]
            + [(activation, "xavier", DEAD_START) for activation in ("relu", "leaky_relu")])
CHECKPOINTS = (500, 1000, 1500)  # where (d) looks at how far apart the hidden units are


class Seed:
    """A seed's data and everything trained on it, each thing computed once and kept.

    nets, if given, are networks already trained (by worker processes), keyed as NETWORKS is.
    """

    def __init__(self, seed, nets=None):
        self.seed = seed
        self.X, self.y = make_xor_data(seed)
        self.computed = {("net",) + key: net for key, net in (nets or {}).items()}
        lines = (nets or {}).get(CHAPTER, {}).get("lines")
        if lines:  # fitted with the chapter's network, on all of its chunk's seeds at once
            self.computed["lines"] = lines

    def kept(self, key, compute):
        """What is kept under key, computed first if it is not yet."""
        if key not in self.computed:
            self.computed[key] = compute()
        return self.computed[key]

    def net(self, activation="tanh", init="xavier", b1=0.0):
        """The chapter's 2-8-1 network trained with lr 0.5 for 2000 epochs, its hidden biases
        starting at b1: a dict of start, params, log, solved_at (for the table's activations;
        None if never), spread, accuracy, loss."""
        return self.kept(("net", activation, init, b1),
                         lambda: trained_net(self.seed, activation, init, b1))

    def line(self, name):
        """The logistic regression fitted on `name` (one of LINES): its train accuracy and its
        final gradient norm, as a dict. Claims (b) and (i) share the one on X."""
        return self.kept("lines", lambda: fitted_lines([self.seed], [self.net()])[0])[name]


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
    first = many.FirstEpochs(y, SOLVED)
    spread = [0.0] * len(seeds)
    nets = many.unstack(params)
    network = range(len(seeds))

    def watch(epoch, p, which):
        if timed:
            first(epoch, p, which)
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
                        "solved_at": first.epochs[k],
                        "spread": max(spread[k], unit_spread(net)),
                        "accuracy": accuracy(p, y[k]), "loss": bce_loss(p, y[k])})
    return trained


def unit_spread(params):
    """How far apart the hidden units are: the largest difference between any unit and unit 1,
    over its incoming weights, its bias and its outgoing weight."""
    per_unit = np.vstack([params["W1"], params["b1"], params["W2"].T])  # a column per unit
    return np.abs(per_unit - per_unit[:, :1]).max()


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


# ---- the work, in tasks: the networks trained by chunks of seeds, then the claims by seed ----

def train_networks(task):
    """The task's networks, trained; the chapter's also carry the lines fitted on them."""
    seeds, key = task
    trained = trained_nets(seeds, *key)
    if key == CHAPTER:
        for net, lines in zip(trained, fitted_lines(seeds, trained)):
            net["lines"] = lines
    return trained


def measure_seed(seed, nets, claims):
    """Every claim's measurements on one seed: {claim name: measurements}. claims are
    experiments.py's (measure, report) pairs; nets, its networks already trained, or None."""
    s = Seed(seed, nets)
    return {measure.__name__: measure(s) for measure, _ in claims}


def measure_task(task):
    return measure_seed(*task)


def measure_all(seeds, claims, workers=1, on_done=None, networks=NETWORKS):
    """{claim name: {seed: measurements}}, the work spread over `workers` processes.

    First every network is trained, one task for each network and chunk of up to CHUNK seeds,
    the chunk's networks trained at once (companion/many.py); then each seed's claims are
    measured with its networks. Results are gathered in the order the tasks were given, so
    they are the same whatever the number of workers. on_done(n), if given, is told each time
    n of work_units(seeds) are done.
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
