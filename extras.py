"""What nn_from_scratch.py's picture and check flags add around the chapter's run.

The chapter's run calls this module at three points: when training starts (Extras(...)), at each
log line and epoch (log, on_epoch) and after the sanity check (after_training). With no flags it
only prints the log lines, plus a progress line on stderr when stderr is a terminal and the run
is long. The modules that draw and check (pictures.py, gradcheck.py, plot.py) are imported only
when a flag asks for them, so the default run loads none of them.
"""

from cli import Progress, Refused, fail, memory_budget, wrap

PICTURE_CELLS = 100 * 100  # the most grid cells any picture evaluates at once (plot.py's grid)


def working_memory(args, points=400):
    """The bytes a run will need at its peak, estimated before anything is allocated: about ten
    (points, hidden) float64 arrays alive at once in training, three per grid cell while a
    picture is drawn, and two floats an epoch for a loss curve."""
    drawing = args.boundary or args.features or args.watch or args.hidden_space or args.plot
    cells = PICTURE_CELLS if drawing else 0
    per_epoch = 2 if args.curve or args.plot else 0
    return 8 * ((10 * points + 3 * cells) * args.hidden + per_epoch * args.epochs)


def size(nbytes):
    """2.0 GB, 6.4 TB."""
    return f"{nbytes / 1e9:.1f} GB" if nbytes < 1e12 else f"{nbytes / 1e12:.1f} TB"


def refuse_early(args):
    """Raise Refused, before anything is allocated or trained, for a run that would not fit in
    memory or whose --plot could not be saved."""
    need, budget = working_memory(args), memory_budget()
    if need > budget:
        raise Refused(f"this run needs about {size(need)} of memory; the budget is "
                      f"{size(budget)}")
    if args.plot:
        from plot import check_can_save  # imports matplotlib
        check_can_save(args.plot)


class Extras:
    """The flags' work around one training run; a context manager around the training, so that
    an animation gives the terminal back (cursor shown) however training ends."""

    def __init__(self, args, X, y, params):
        self.args, self.X, self.y = args, X, y
        if args.hidden_space or args.plot:  # the before-and-after pictures need the start
            self.start = {name: W.copy() for name, W in params.items()}
        self.wrong = []  # arrays whose gradient the check found wrong
        if args.shapes:
            from pictures import shapes_table
            print(shapes_table(params, X, y, args.activation))
        if args.gradcheck:
            self.wrong += self.gradcheck(params, "at the starting weights")
        self.watch = self.curve = None
        if args.watch:
            from pictures import Watch
            self.watch = Watch(params, X, y, args.activation, args.epochs)
        if args.curve or args.plot:
            from pictures import Curve
            self.curve = Curve(y, args.epochs)
        # The animation says which epoch it is at; a progress line would only fight it.
        self.progress = Progress(args.epochs, "epoch")
        self.progress.active &= not (self.watch and self.watch.live)
        seers = [s.see for s in (self.watch, self.curve) if s]
        if self.progress.active:
            seers.append(lambda epoch, p: self.progress.update(epoch + 1))
        self.seers = seers
        self.on_epoch = self.see_all if seers else None

    def __enter__(self):
        if self.watch:
            self.watch.open()
        return self

    def __exit__(self, *exc):
        self.progress.clear()
        if self.watch:
            self.watch.close()

    def see_all(self, epoch, p):
        for see in self.seers:
            see(epoch, p)

    def log(self, line):
        """A log line: printed, or kept in the animation while it runs."""
        self.progress.clear()
        if self.watch:
            self.watch.log(line)
        else:
            print(line)

    def gradcheck(self, params, when):
        from gradcheck import check_gradients, kinks_crossed, table
        X, activation = self.X, self.args.activation
        errors = check_gradients(params, X, self.y, activation)
        text, wrong = table(errors, activation, when, kinks_crossed(params, X, activation))
        print(text)
        return [f"{', '.join(wrong)} {when}"] if wrong else []

    def after_training(self, params):
        """The pictures of the trained network, in the order of the flags' help; the exit status."""
        args, X, y = self.args, self.X, self.y
        if args.boundary or args.features or args.curve or args.hidden_space:
            import pictures
        if args.boundary:
            print(pictures.boundary_map(params, X, y, args.activation))
        if args.features:
            print(pictures.feature_maps(params, X, args.activation))
        if args.curve:
            print(self.curve.plot())
        if args.hidden_space:
            print(pictures.hidden_space(self.start, X, y, args.activation, "before training"))
            print(pictures.hidden_space(params, X, y, args.activation, "after training"))
        if args.gradcheck:
            self.wrong += self.gradcheck(params, "after training")
        if args.plot:
            from plot import save_figure
            save_figure(args.plot, self.start, params, X, y, args.activation, self.curve)
            print(wrap(f"figure saved to {args.plot}"))
        if self.wrong:
            fail("nn_from_scratch.py: the gradient check failed: backward() is wrong for "
                 + "; ".join(self.wrong) + " (see the tables above)")
            return 1
        return 0
