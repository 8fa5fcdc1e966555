"""The chapter's run from the command line: nn_from_scratch.py's functions, with every flag.

    python nn_from_scratch.py [flags]    hands its command line to this module
    python -m companion [flags]          the same

main(argv) parses the knobs and the flags (companion/flags.py), refuses what can't be done
before anything is allocated, and runs run(args): the chapter's run, as nn_from_scratch.py's
main() prints it, with what the flags add before training, at each log line and after the
sanity check (flags.FlagWork), and a breakdown of the numbers said in one line. With no flags
it prints exactly what nn_from_scratch.main() prints.
"""

import numpy as np

import nn_from_scratch as nn
from companion import flags, inputs, layers
from companion.cli import ArgumentParser, Refused, fail

# The last run's network and data, for a reader at `python -i nn_from_scratch.py`'s prompt:
# last_run["params"]["W1"], last_run["X"], last_run["log"]. Filled by run(), never read by it.
last_run = {}


def parse_args(argv=None):
    parser = ArgumentParser(
        prog="nn_from_scratch.py",
        description="Train the chapter's 2-8-1 network on the XOR clusters and print its log. "
                    "With no options it prints exactly the chapter's listing.")
    flags.add_knobs(parser)
    flags.add_arguments(parser)
    return flags.check_arguments(parser, parser.parse_args(argv))


def run(args):
    """The chapter's run, with the knobs and flags of args; the exit status."""
    if args.bug:  # one classic mistake, run beside the chapter's: companion/bugs.py
        from companion.bugs import run as run_bug
        return run_bug(args)
    # make_xor_data(args.seed, args.noise) unless --data names another set or a file; with
    # --test, the held-out points too; with --load, the saved weights
    data = inputs.load(args)
    flags.refuse_classes(args, data)  # a file's K classes, known now: within the budget?
    X, y = data.X, data.y
    print(f"data: {X.shape[0]} points, {X.shape[1]} features, {data.classes} classes "
          f"({data.name})")
    # --layers, or K > 2 classes: the chapter's lines in a loop over the layers, with a softmax
    # for K classes (companion/layers.py); else the chapter's own functions
    stacked = args.layers is not None or data.classes > 2
    net, loss = (layers, layers.loss) if stacked else (nn, nn.bce_loss)
    params = data.saved or (
        layers.init_params(layers.sizes(X.shape[1], inputs.widths(args), data.classes),
                           args.init, args.seed) if stacked else
        nn.init_params(X.shape[1], args.hidden, args.init, args.seed))

    def score(p):
        return loss(p, y), net.accuracy(p, y)

    work = flags.FlagWork(args, X, y, params, score, data)
    work.before_training(params)  # --shapes, --by-hand, --gradcheck print here
    with work:

        def show(epoch, p, row):
            if row:  # --test adds the held-out points' accuracy to the log line
                work.log(nn.log_line(*row, args.epochs) + work.test_column(params))
            work.on_epoch(epoch, p)

        log = net.train(params, X, y, args.activation, args.lr, args.epochs, show)

    last_run.update(params=params, X=X, y=y, log=log)
    print(f"final train accuracy: {net.accuracy(net.predict(params, X, args.activation), y):.3f}")
    work.final_test(params)  # --test
    what, points, names = data.check  # the four cluster centres, on the chapter's data
    print(f"sanity check on {what}:")
    print("\n".join(inputs.sanity_check(params, points, names, args.activation)))
    work.predictions(params)  # --predict
    flags.warn_if_loss_climbed(log, args.lr)  # a learning rate far too large says so
    return work.after_training(params)  # the pictures; 1 if the gradient check failed


def main(argv=None):
    args = parse_args(argv)
    if args.play:  # the terminal playground, companion/play.py: loaded by this flag alone
        from companion.play import main as play
        return play(args)
    try:
        flags.refuse_early(args)  # a run too big for memory, a --plot file that can't be written
        # The last update can leave weights that overflow only when used, after the loop: the
        # whole run is watched, not just train().
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            return run(args)
    except Refused as err:
        fail(f"nn_from_scratch.py: {err}")
        return 2
    except nn.Diverged as err:
        when, what = f"at epoch {err.epoch}", err.what
    except FloatingPointError as err:
        when, what = "after the last epoch, when the trained weights were used", str(err)
    advice = f"try a --lr smaller than {args.lr:g} (the chapter's is 0.5)"
    if args.init != "xavier":
        advice += " or --init xavier"
    fail(f"nn_from_scratch.py: training broke down {when}: the numbers grew past what float64 "
         f"can hold ({what}); {advice}")
    return 1
