"""--play, the terminal playground: what each key and each frame does (tested directly, with an
injected clock), and the playground driven as a person would, on a real pseudo-terminal, its
screen read back through pyte."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import nn_from_scratch
from companion import run as companion_run
from companion import play
from companion import layers
from companion.by_hand import listing
from companion.datasets import DATA_NAMES, make_data, make_test_data
from companion.flags import MOST_LAYERS
from companion.play import BUDGET, FRAME, VIEWS, Playground, run
from conftest import ROOT
from nn_from_scratch import backward, bce_loss, forward, init_params, make_xor_data, train, update

# A heading that only each view has, in the order `v` goes through them.
HEADINGS = {"regions": "decision regions:", "units": "hidden units: '#'",
            "hidden space": "hidden space at epoch", "curve": "loss (*, log scale)",
            "by hand": "--by-hand at epoch"}


def chapters_epochs(rates, hidden=8):
    """The chapter's run by hand: init_params, then an update per learning rate in rates."""
    X, y = make_xor_data()
    params = init_params(2, hidden)
    for lr in rates:
        z1, a1, z2, p = forward(params, X)
        update(params, backward(params, X, y, z1, a1, p), lr)
    return params


def same_bits(a, b):
    return a.keys() == b.keys() and all(a[k].tobytes() == b[k].tobytes() for k in a)


# ---- training: the chapter's own epochs ----

def test_an_epoch_of_the_playground_is_an_epoch_of_the_chapters_train_bit_for_bit():
    game = Playground()
    game.running = False
    game.train_epochs(300)
    X, y = make_xor_data()
    params = init_params()
    log = train(params, X, y, epochs=300)
    assert game.epoch == 300 and same_bits(game.params, params)
    for epoch, loss, acc in log:  # the curve keeps what the chapter's log measures
        assert game.loss[epoch] == loss and game.acc[epoch] == acc


def test_pause_stops_training_and_s_trains_exactly_one_epoch():
    game = Playground()
    game.train_frame(time.monotonic)
    assert game.epoch > 0
    game.press(" ")
    at = game.epoch
    assert not game.running and game.train_frame(lambda: 0.0) == 0 and game.epoch == at
    game.press("s")
    assert game.epoch == at + 1 and not game.running
    game.press("S")
    assert game.epoch == at + 11
    game.press(" ")
    assert game.running


def test_s_while_running_pauses_then_steps():
    game = Playground()
    game.press("s")
    assert game.epoch == 1 and not game.running


@pytest.mark.parametrize("key, factor", [("+", 2.0), ("=", 2.0), ("-", 0.5)])
def test_plus_and_minus_change_the_lr_live_and_the_next_update_uses_it(key, factor):
    game = Playground()
    game.press(" ")
    game.train_epochs(5)
    game.press(key)
    assert game.lr == 0.5 * factor and f"lr {0.5 * factor:g}" in game.status()
    assert game.epoch == 5  # no reset
    game.press("s")
    assert same_bits(game.params, chapters_epochs([0.5] * 5 + [0.5 * factor]))
    assert not same_bits(game.params, chapters_epochs([0.5] * 6))


def test_r_restores_the_starting_weights_bit_for_bit():
    game = Playground()
    start = {name: W.copy() for name, W in game.params.items()}
    game.train_epochs(50)
    game.press("+")
    game.train_epochs(50)
    assert not same_bits(game.params, start)
    game.press("r")
    assert same_bits(game.params, start) and same_bits(game.params, init_params())
    assert game.epoch == 0 and game.lr == 1.0  # the settings stay; the weights go back
    game.train_epochs(1)
    assert same_bits(game.start, start)  # training never touches the starting weights


def test_h_and_H_change_the_shapes_with_new_starting_weights():
    game = Playground()
    game.train_epochs(10)
    game.press("h")
    shapes = {name: W.shape for name, W in game.params.items()}
    assert shapes == {"W1": (2, 7), "b1": (1, 7), "W2": (7, 1), "b2": (1, 1)}
    assert game.epoch == 0 and same_bits(game.params, init_params(2, 7))
    game.press("H")
    game.press("H")
    assert game.params["W1"].shape == (2, 9) and "net 2-9-1" in game.status()
    one = Playground(hidden=1)
    one.press("h")  # no fewer than one
    assert one.hidden == 1 and one.message


def shapes(params):
    return {name: W.shape for name, W in params.items()}


def test_L_adds_a_hidden_layer_and_l_removes_one_with_new_starting_weights():
    game = Playground()
    game.train_epochs(10)
    game.press("L")  # after the last, as wide, and picked: h and H change it
    assert game.widths == (8, 8) and game.pick == 1 and game.epoch == 0
    assert shapes(game.params) == {"W1": (2, 8), "b1": (1, 8), "W2": (8, 8), "b2": (1, 8),
                                   "W3": (8, 1), "b3": (1, 1)}
    assert same_bits(game.start, layers.init_params([2, 8, 8, 1])) and not game.chapters
    assert "net 2-8-[8]-1" in game.status()
    game.press("h")
    assert game.widths == (8, 7) and same_bits(game.params, layers.init_params([2, 8, 7, 1]))
    game.press("L")
    assert game.widths == (8, 7, 7) and "net 2-8-7-[7]-1" in game.status()
    game.train_epochs(10)
    game.press("l")
    assert game.widths == (8, 7) and game.pick == 1 and game.epoch == 0
    assert same_bits(game.params, layers.init_params([2, 8, 7, 1]))
    game.press("l")  # back to the chapter's network, and its own starting weights
    assert game.widths == (8,) and game.chapters and "net 2-8-1" in game.status()
    assert same_bits(game.params, init_params())


def test_a_digit_picks_the_layer_that_h_and_H_change():
    game = Playground(layers=(8, 8, 4))
    assert game.pick == 2 and "net 2-8-8-[4]-1" in game.status()
    game.press("1")
    assert game.pick == 0 and "net 2-[8]-8-4-1" in game.status() and game.message == ""
    game.train_epochs(5)
    game.press("1")  # picking alone changes nothing else
    assert game.epoch == 5
    game.press("H")
    game.press("H")
    assert game.widths == (10, 8, 4) and game.epoch == 0
    assert shapes(game.params)["W1"] == (2, 10) and shapes(game.params)["W2"] == (10, 8)
    game.press("2")
    game.press("h")
    assert game.widths == (10, 7, 4) and shapes(game.params)["W3"] == (7, 4)
    game.press("l")  # the picked layer was not the last: it stays picked
    assert game.widths == (10, 7) and game.pick == 1


def test_the_limits_of_layers_and_units_are_said_and_change_nothing():
    game = Playground()
    game.press("l")  # no fewer than one hidden layer
    assert game.widths == (8,) and game.message == f"hidden layers go from 1 to {MOST_LAYERS}"
    assert game.message in game.status()
    game.press("2")
    assert game.pick == 0 and game.message == "no hidden layer 2: there are 1 (L adds one)"
    for _ in range(MOST_LAYERS + 3):
        game.press("L")
    assert game.widths == (8,) * MOST_LAYERS and game.pick == MOST_LAYERS - 1
    assert game.message == f"hidden layers go from 1 to {MOST_LAYERS}"
    assert layers.depth(game.params) == MOST_LAYERS + 1
    game.press("s")
    assert game.message == ""  # said once, then gone with the next key
    wide = Playground(layers=(2, play.MOST_UNITS))
    wide.press("H")
    assert wide.widths == (2, play.MOST_UNITS) and wide.message.startswith("hidden units go")
    wide.press("1")
    wide.press("h")
    wide.press("h")
    assert wide.widths == (1, play.MOST_UNITS) and wide.message.startswith("hidden units go")
    assert play.LAYER_KEYS == tuple("12345678")[:MOST_LAYERS]


def test_a_network_past_the_memory_budget_is_said_and_not_built(monkeypatch):
    monkeypatch.setenv("NN_MEMORY_BUDGET", "3e8")  # flags.refuse_early's budget, at --play's start
    game = Playground(points=200_000)
    game.train_epochs(1)
    game.press("H")
    assert game.widths == (9,) and game.epoch == 0 and game.message == ""
    game.train_epochs(1)
    game.press("L")  # a second layer of 200,000 x 9 arrays: past 300 MB
    assert game.widths == (9,) and game.epoch == 1 and game.pick == 0
    assert re.fullmatch(r"a 2-9-9-1 network would need about \d+\.\d MB of memory; the "
                        r"budget is 300\.0 MB", game.message)
    assert game.message in game.status() and layers.depth(game.params) == 2


def test_a_deep_network_trains_as_layers_train_does_bit_for_bit():
    game = Playground(data="moons", layers=(8, 8, 4), test=50)
    game.running = False
    X, y = make_data("moons", 0, 0.35, 400)
    params = layers.init_params([2, 8, 8, 4, 1], "xavier", 0)
    assert same_bits(game.params, params)
    game.train_epochs(300)
    log = layers.train(params, X, y, epochs=300)
    assert game.epoch == 300 and same_bits(game.params, params)
    for epoch, loss, acc in log:  # the curve keeps what layers.train's log measures
        assert game.loss[epoch] == loss and game.acc[epoch] == acc
    assert game.loss[299] < 0.5 * game.loss[0] and game.measured()[1] > 0.8
    game.press("r")  # and r goes back to its starting weights
    assert same_bits(game.params, layers.init_params([2, 8, 8, 4, 1], "xavier", 0))


def test_the_chapters_network_trains_with_the_chapters_functions_and_no_other(monkeypatch):
    # layers.py's functions compute the chapter's network bit for bit: only this tells which
    def refused(*args, **kwargs):
        raise AssertionError("the wrong module's function")

    for name in ("forward", "backward", "update", "loss", "accuracy", "init_params"):
        monkeypatch.setattr(play.layers, name, refused)
    game = Playground(test=20)
    game.train_epochs(3)
    game.press("n")
    game.status()
    monkeypatch.undo()
    for name in ("forward", "backward", "update", "bce_loss", "accuracy", "init_params"):
        monkeypatch.setattr(play, name, refused)
    for deep in (Playground(layers=(8, 8), test=20), Playground(data="spiral3", test=20)):
        deep.train_epochs(3)
        deep.press("n")
        deep.status()
        assert deep.epoch == 0 and not deep.broken


def test_play_layers_starts_with_those_layers():
    args = companion_run.parse_args(["--play", "--layers", "8,8,4", "--data", "spiral3"])
    game = Playground.from_args(args)
    assert game.widths == (8, 8, 4) and game.pick == 2 and game.classes == 3
    assert shapes(game.params)["W4"] == (4, 3)
    assert same_bits(game.params, layers.init_params([2, 8, 8, 4, 3]))
    one = Playground.from_args(companion_run.parse_args(["--play", "--layers", "5"]))
    assert one.widths == (5,) and one.chapters and same_bits(one.params, init_params(2, 5))


@pytest.mark.parametrize("settings", [dict(layers=(8, 8)), dict(data="spiral3"),
                                      dict(data="spiral3", layers=(6, 5, 4))])
def test_by_hand_says_in_a_line_that_it_steps_the_chapters_network_alone(settings):
    game = Playground(**settings)
    game.view = VIEWS.index("by hand")
    net = game.net(mark=False)
    body = game.screen(80, 24)[2:-3]
    assert " ".join(" ".join(body).split()) == (
        "by hand: --by-hand steps the chapter's network alone, one hidden layer and 2 "
        f"classes; this one is {net}")
    game.press("l" if len(game.widths) > 1 else "d")  # d: spiral3 to xor
    if game.chapters:
        assert "--by-hand at epoch 0" in " ".join(game.screen(80, 24))


@pytest.mark.parametrize("cols, rows", [(80, 24), (40, 10), (160, 50)])
@pytest.mark.parametrize("settings", [dict(layers=(8, 8)), dict(data="spiral3", test=60),
                                      dict(data="spiral3", layers=(5, 5, 5, 5, 5, 5, 5, 5),
                                           test=60)])
def test_every_view_of_a_deeper_or_three_class_network_fits_and_draws_it(cols, rows,
                                                                        settings):
    game = Playground(**settings)
    game.train_epochs(30)
    K = game.classes
    for view, heading in HEADINGS.items():
        game.view = VIEWS.index(view)
        lines = game.screen(cols, rows)
        text = "\n".join(lines)
        assert len(lines) == rows and max(len(line) for line in lines) <= cols
        assert lines[0].startswith("epoch 30  loss") and lines[-1].endswith("q quit")
        if view == "by hand":
            assert "by hand: --by-hand steps the chapter's network alone" in " ".join(
                text.split())
        elif rows >= 24:
            assert heading in text or view == "regions"
        if view == "regions" and rows >= 24 and K == 3:
            assert "decision regions" in text
            drawn = set("".join(line.split("|")[1] for line in lines if line.count("|") == 2))
            assert drawn & set("aA") and drawn & set("bB") and drawn & set("cC")  # 3 classes
        if view == "units" and rows >= 24:
            assert f"unit {game.widths[0]}" in text
            assert ("cluster centres" in text) == (game.data == "xor")


def test_a_picture_that_refuses_shows_why_in_its_view(monkeypatch):
    from companion import pictures

    def refusing(*args, **kwargs):
        raise play.Refused("this picture can't draw that network")

    monkeypatch.setattr(pictures, "hidden_space_map", refusing)
    game = Playground(layers=(8, 8))
    game.view = VIEWS.index("hidden space")
    lines = game.screen(80, 24)
    assert "hidden space: this picture can't draw that network" in lines
    game.press("v")
    assert "hidden space" not in " ".join(game.screen(80, 24)[3:-3])


def test_v_cycles_every_view_and_V_goes_back():
    game = Playground()
    game.train_epochs(20)
    seen = []
    for _ in VIEWS:
        text = "\n".join(game.screen(80, 24))
        seen.append([view for view, heading in HEADINGS.items() if heading in text])
        game.press("v")
    assert seen == [[view] for view in VIEWS] and game.view == 0
    game.press("V")
    assert VIEWS[game.view] == "by hand"


@pytest.mark.parametrize("key, changed, resets", [
    ("a", ("activation", "relu"), "same weights"), ("d", ("data", "circles"), "same weights"),
    ("i", ("init", "glorot"), "new weights"), ("n", ("seed", 1), "new weights")])
def test_the_other_setting_keys_start_over(key, changed, resets):
    game = Playground()
    game.train_epochs(10)
    before = {name: W.copy() for name, W in game.start.items()}
    game.press(key)
    name, value = changed
    assert getattr(game, name) == value and game.epoch == 0
    assert same_bits(game.params, game.start)
    assert same_bits(game.start, before) == (resets == "same weights")


def test_d_draws_each_data_set_and_the_test_set_has_an_accuracy():
    game = Playground(test=100)
    seen = []
    for _ in DATA_NAMES:
        game.press("d")
        seen.append(game.data)
        assert len(game.X) == 400 and len(game.Xt) == 100 and game.epoch == 0
        classes = 3 if game.data == "spiral3" else 2
        assert game.classes == classes and game.chapters == (classes == 2)
        assert game.params["W2"].shape == (8, 1 if classes == 2 else 3)
        assert f"net 2-8-{1 if classes == 2 else 3}" in game.status()
        assert re.search(r"test-acc \d\.\d{3}", " ".join(game.status()))
        game.train_epochs(3)
        for view in range(len(VIEWS)):
            game.view = view
            lines = game.screen(80, 24)
            assert len(lines) == 24 and max(map(len, lines)) <= 80
    assert seen == [*DATA_NAMES[1:], DATA_NAMES[0]] and "spiral3" in seen
    assert "test-acc" not in " ".join(Playground().status())


def test_spiral3s_three_classes_train_a_softmax_as_layers_train_does_bit_for_bit():
    game = Playground(data="spiral3", test=90, hidden=12, lr=1.0)
    game.running = False
    assert game.classes == 3 and not game.chapters
    assert game.params["W2"].shape == (12, 3) and "net 2-12-3" in game.status()
    X, y = make_data("spiral3", 0, 0.35, 400)
    params = layers.init_params([2, 12, 3], "xavier", 0)
    assert same_bits(game.params, params)
    game.train_epochs(1000)
    log = layers.train(params, X, y, lr=1.0, epochs=1000)
    assert game.epoch == 1000 and same_bits(game.params, params)
    for epoch, loss, acc in log:  # the softmax's cross-entropy, accuracy by argmax
        assert game.loss[epoch] == loss and game.acc[epoch] == acc
    assert game.loss[999] < 0.7 * game.loss[0]
    loss, acc, test = game.measured()
    p = layers.predict(params, X)
    assert loss == layers.loss(p, y) and acc == np.mean(p.argmax(1) == y[:, 0]) > 0.5
    Xt, yt = make_test_data("spiral3", 0, 0.35, 90)
    assert test == np.mean(layers.predict(params, Xt).argmax(1) == yt[:, 0])
    assert f"train-acc {acc:.3f}" in game.status() and f"test-acc {test:.3f}" in game.status()


def test_speed_keys_step_through_the_speeds_and_stop_at_the_ends():
    game = Playground()
    game.press(">")
    assert game.speed == 20
    for _ in range(20):
        game.press("<")
    assert game.speed == 1
    for _ in range(20):
        game.press(".")
    assert game.speed == play.SPEEDS[-1]


@pytest.mark.parametrize("settings", [{}, dict(layers=(8, 8)), dict(data="spiral3")])
def test_a_learning_rate_that_blows_up_pauses_with_the_last_good_weights(settings):
    game = Playground(activation="relu", lr=1e300, **settings)
    game.train_epochs(5)
    assert not game.running and game.broken and "broke down at epoch" in game.broken
    assert all(np.isfinite(W).all() for W in game.params.values())
    assert "broken down" in game.status()
    game.press("-")
    assert game.broken is None


def test_an_exploding_learning_rate_the_docs_suggest_does_break_down():
    # docs/play.md's recipe: identity at lr 16 (ReLU would take lr 8192; lr 0.5 doubled a dozen
    # times, 2048, never broke down)
    assert "--play --activation identity --lr 16" in (ROOT / "docs" / "play.md").read_text()
    game = Playground(activation="identity", lr=16)
    game.train_epochs(1000)
    assert game.broken and "broke down at epoch" in game.broken
    game = Playground(activation="relu", lr=0.5 * 2**12)
    game.train_epochs(1000)
    assert game.broken is None


def test_the_docs_key_table_lists_every_initialisation_in_the_order_i_takes():
    row = next(line for line in (ROOT / "docs" / "play.md").read_text().splitlines()
               if line.startswith("| `i` |"))
    assert row.endswith(", ".join(nn_from_scratch.INITS) + " |")
    game = Playground()
    seen = [game.init]
    for _ in nn_from_scratch.INITS[1:]:
        game.press("i")
        seen.append(game.init)
    assert seen == list(nn_from_scratch.INITS)


def test_the_by_hand_view_says_which_weights_and_points_it_steps_from():
    game = Playground(data="moons")
    game.view = VIEWS.index("by hand")
    text = " ".join(game.draw_by_hand(80, 40)[:8])
    assert text.startswith("--by-hand at epoch 0") and "from the starting weights" in text
    assert "four training points, the first two of each class" in text  # not the XOR centres
    game.train_epochs(7)
    text = " ".join(" ".join(game.draw_by_hand(80, 40)[:8]).split())
    assert "--by-hand at epoch 7" in text and "from the weights after epoch 7" in text
    assert "current weights" not in text and "starting weights" not in text


@pytest.mark.parametrize("flags", [["--load", "w.json"], ["--bug", "no-mean"],
                                   ["--save", "w.json"], ["--predict", "1,1"],
                                   ["--dump-data", "d.csv"], ["--data", "points.csv"]])
def test_flags_the_playground_would_ignore_are_refused_in_one_line(capsys, flags):
    with pytest.raises(SystemExit) as stop:
        companion_run.parse_args(["--play", *flags])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith("nn_from_scratch.py: --play ")
    assert len(err.splitlines()) <= 2 and "Traceback" not in err


# ---- the screen ----

@pytest.mark.parametrize("cols, rows", [(80, 24), (120, 40), (40, 10), (200, 60)])
@pytest.mark.parametrize("view", range(len(VIEWS)))
def test_every_view_fits_the_window(cols, rows, view):
    game = Playground()
    game.train_epochs(30)
    game.view = view
    lines = game.screen(cols, rows)
    assert len(lines) == rows and max(len(line) for line in lines) <= cols
    assert lines[-1].endswith("q quit") and lines[0].startswith("epoch 30  loss")


def test_a_window_too_small_is_said_in_one_line():
    lines = Playground().screen(30, 8)
    assert lines == ["too small: needs 40x10"]  # the whole sentence would not fit
    assert Playground().screen(79, 9)[0].startswith("window too small (79x9): --play takes 40x10")


def test_a_view_taller_than_the_window_scrolls_and_says_where():
    game = Playground()
    game.view = VIEWS.index("by hand")
    first = game.screen(80, 24)
    keys = len(play.packed(game.key_help(), 80))  # the keys' lines at the bottom
    assert "-- lines 1-" + str(24 - 2 - keys - 1) + " of" in first[-keys - 1]
    game.press("down")
    assert game.screen(80, 24)[2] == first[3]
    for _ in range(500):
        game.press("pgdn")
    last = game.screen(80, 24)
    total = int(re.search(r"of (\d+):", last[-keys - 1]).group(1))
    assert f"-{total} of {total}" in last[-keys - 1]


def test_the_help_page_toggles():
    game = Playground()
    game.press("?")
    assert any("keys of the playground" in line for line in game.screen(80, 24))
    assert max(len(line) for line in play.HELP) <= 80  # not cut off at 80 columns
    said = " ".join(play.HELP)
    assert all(f"  {k}  " in said for k in "hHlL") and f"1 to {MOST_LAYERS}" in said
    game.press("?")
    assert not any("keys of the playground" in line for line in game.screen(80, 24))


# ---- pacing, with an injected clock ----

class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Costly(Playground):
    """A playground whose every epoch takes `cost` seconds of the injected clock."""

    def __init__(self, clock, cost, **settings):
        self.clock, self.cost = clock, cost
        super().__init__(**settings)

    def train_epochs(self, n):
        super().train_epochs(n)
        self.clock.now += self.cost * n


class Keyboard:
    """run()'s terminal, with keys pressed at given times of the injected clock; records
    what was drawn when."""

    def __init__(self, clock, presses):
        self.clock, self.presses, self.drawn = clock, sorted(presses), []

    def size(self):
        return 80, 24

    def keys(self, wait):
        if self.presses and self.presses[0][0] <= self.clock.now + wait:
            at, key = self.presses.pop(0)
            self.clock.now = max(self.clock.now, at)
            return [key]
        self.clock.now += wait
        return [] if self.presses else ["q"]

    def draw(self, lines):
        self.drawn.append((self.clock.now, " ".join(lines)))


@pytest.mark.parametrize("cost, epochs", [(0.0001, 10), (0.02, 2), (0.04, 1), (0.2, 1)])
def test_a_frame_trains_its_epochs_or_stops_when_its_time_is_up(cost, epochs):
    clock = Clock()
    game = Costly(clock, cost)
    assert game.train_frame(clock) == epochs  # 10 a frame; 0.05 s of training at most


def test_frames_come_every_frame_seconds_at_the_speed_chosen():
    clock = Clock()
    game = Costly(clock, 0.0001)
    keyboard = Keyboard(clock, [(1.0, " ")])  # pause after one second
    run(keyboard, game, clock)
    assert game.epoch == round(1.0 / FRAME) * 10  # 20 frames of 10 epochs


@pytest.mark.parametrize("cost", [0.0001, 0.01, 0.04, 0.2])
def test_a_key_is_drawn_within_a_tenth_of_a_second_whatever_the_training_costs(cost):
    clock = Clock()
    game = Costly(clock, cost)
    keyboard = Keyboard(clock, [(0.333, "+")])
    run(keyboard, game, clock)
    shown = min(at for at, text in keyboard.drawn if "lr 1 " in text)
    # one epoch can't be cut short: an epoch dearer than the budget is waited for
    assert shown - 0.333 <= max(BUDGET, cost) + 1e-9 and BUDGET <= 0.1


def test_paused_it_waits_for_keys_and_draws_only_what_changed():
    clock = Clock()
    game = Costly(clock, 0.001)
    game.running = False
    keyboard = Keyboard(clock, [(5.0, "s")])
    run(keyboard, game, clock)
    assert game.epoch == 1 and len(keyboard.drawn) == 2  # the first screen, and the step


# ---- the way out ----

def test_the_summary_says_where_it_stood_and_how_to_start_again():
    game = Playground(hidden=3, seed=2)
    game.train_epochs(40)
    text = game.summary()
    assert "--play stopped at epoch 40: loss" in text and "3 hidden units" in text
    playing = re.search(r"python (nn_from_scratch.py --play .*)", text).group(1).split()
    again = Playground.from_args(companion_run.parse_args(playing[1:]))
    assert same_bits(again.params, game.start)
    assert (again.hidden, again.seed, again.lr) == (3, 2, 0.5)
    training = re.search(r"python (nn_from_scratch.py .*--epochs 40)", text).group(1).split()
    args = companion_run.parse_args(training[1:])
    X, y = make_xor_data(args.seed, args.noise)
    params = init_params(2, args.hidden, args.init, args.seed)
    train(params, X, y, args.activation, args.lr, args.epochs)
    assert same_bits(params, game.params)  # the same weights the playground stopped at
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("settings, flags", [
    (dict(layers=(8, 8, 4), seed=3), "--seed 3 --layers 8,8,4"),
    (dict(data="spiral3", hidden=12, test=30), "--data spiral3 --test 30 --hidden 12"),
    (dict(data="spiral3", layers=(6, 5)), "--data spiral3 --layers 6,5")])
def test_the_summary_of_a_deeper_or_three_class_network_starts_and_trains_it_again(
        capsys, settings, flags, monkeypatch):
    game = Playground(**settings)
    game.train_epochs(25)
    text = game.summary()
    assert f"({game.net(mark=False)})" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 80
    playing = re.search(r"python nn_from_scratch.py (--play .*)", text).group(1)
    assert playing == "--play " + flags
    again = Playground.from_args(companion_run.parse_args(playing.split()))
    assert same_bits(again.params, game.start) and again.widths == game.widths
    training = re.search(r"python nn_from_scratch.py (.*--epochs 25)$", text, re.M).group(1)
    monkeypatch.setattr(companion_run, "last_run", {})
    assert companion_run.run(companion_run.parse_args(training.split())) == 0
    assert same_bits(companion_run.last_run["params"], game.params)  # the very same weights
    assert f"final train accuracy: {game.measured()[1]:.3f}" in capsys.readouterr().out


def test_a_command_to_copy_stays_one_line_however_long():
    # wrapped at 80 columns, `--lr` and its value landed on two lines: pasted, it ran without
    game = Playground(data="spiral", points=1000, test=300, noise=0.123456789, seed=987654,
                      hidden=123, activation="leaky_relu", init="constant", lr=0.3)
    for _ in range(7):
        game.press("-")
    game.train_epochs(3)
    game.press("+")  # lr changed while training: only the --play command is offered
    lines = game.summary().splitlines()
    (command,) = [line for line in lines if "python nn_from_scratch.py" in line]
    assert len(command) > 80 and command.startswith("  python nn_from_scratch.py --play ")
    again = companion_run.parse_args(command.split()[2:])
    assert (again.data, again.points, again.test, again.seed, again.hidden, again.init) == \
        ("spiral", 1000, 300, 987654, 123, "constant")
    assert again.lr == game.lr and again.noise == game.noise
    assert all(len(line) <= 80 for line in lines if line != command)


def test_a_live_lr_change_is_said_to_be_out_of_the_command_lines_reach():
    game = Playground()
    game.train_epochs(10)
    game.press("+")
    game.train_epochs(10)
    text = " ".join(game.summary().split())
    assert "--play --lr 1" in text and "--epochs" not in text
    assert "0.5 from epoch 0, 1 from epoch 10" in text and "no command line replays" in text


def test_the_command_line_writes_the_lr_back_exactly():
    game = Playground(lr=0.1)
    for _ in range(10):
        game.press("-")
    assert float(re.search(r"--lr (\S+)", game.summary()).group(1)) == 0.1 / 1024


@pytest.mark.parametrize("tty, term, system, why", [
    ((False, True), "xterm", "posix", "its input is not one"),
    ((True, False), "xterm", "posix", "its output is not one"),
    ((True, True), "dumb", "posix", "(TERM=dumb)"), ((True, True), None, "posix", "not set"),
    ((True, True), None, "nt", None), ((True, True), "xterm", "posix", None)])
def test_where_it_cannot_play_it_says_why(tty, term, system, why):
    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    environ = {"TERM": term} if term else {}
    said = play.cannot_play(Stream(tty[0]), Stream(tty[1]), environ, system)
    assert said is None if why is None else why in said


# ---- as a reader meets it: processes ----

def run_quietly(*args, **kwargs):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["pipe", "no terminal", "dumb"])
def test_without_a_terminal_it_refuses_in_one_line(how):
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    env["TERM"] = "dumb" if how == "dumb" else "xterm"
    if how == "dumb":  # a terminal, but TERM=dumb: script(1) gives it one
        result = subprocess.run(["script", "-qfec", f"{sys.executable} nn_from_scratch.py "
                                 "--play", "/dev/null"], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
        said = result.stdout.replace("\r\n", "\n")
    else:
        result = run_quietly("nn_from_scratch.py", "--play", env=env,
                             stdin=subprocess.DEVNULL if how == "no terminal" else None)
        said = result.stderr
        assert result.stdout == ""
    assert result.returncode == 2 and len(said.splitlines()) == 1 and len(said) <= 81
    assert said.startswith("nn_from_scratch.py: --play needs a terminal")


@pytest.mark.parametrize("system", ["nt", "posix"])
def test_without_curses_it_says_so_in_one_line_and_on_windows_what_to_install(
        capsys, monkeypatch, system):
    monkeypatch.setattr(play, "cannot_play", lambda *args: None)  # as if on a terminal
    monkeypatch.setitem(sys.modules, "curses", None)  # import curses: ImportError
    monkeypatch.setattr(play, "no_curses", lambda real=play.no_curses: real(system))
    assert companion_run.main(["--play"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and len(err) <= 81
    assert ("requirements-play.txt" in err) == (system == "nt")


@pytest.mark.parametrize("argv, said", [
    (["--hidden", "257"], "256 hidden units, not 257"),
    (["--layers", "8,257"], "256 units in a hidden layer, not 257"),
])
def test_more_units_than_it_draws_are_refused_in_one_line(capsys, monkeypatch, argv, said):
    monkeypatch.setattr(play, "cannot_play", lambda *args: None)  # as if on a terminal
    assert companion_run.main(["--play", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"nn_from_scratch.py: --play takes at most {said}\n"


@pytest.mark.slow
@pytest.mark.parametrize("flags", [[], ["--epochs", "30", "--boundary", "--features", "--curve",
                                        "--hidden-space", "--shapes", "--by-hand",
                                        "--gradcheck", "--watch"]])
def test_the_default_run_and_every_other_flag_load_none_of_the_playground(flags):
    result = run_quietly("-X", "importtime", "nn_from_scratch.py", *flags)
    assert result.returncode == 0 and "final train accuracy" in result.stdout
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "companion.pictures" in loaded or not flags  # the record is read right
    assert not {name for name in loaded if "play" in name or "curses" in name}


# ---- as a reader meets it: a real pseudo-terminal, its screen read through pyte ----

# The playground's terminal becomes its controlling terminal, as a login shell's is: Ctrl-C
# typed there is a SIGINT, a resize a SIGWINCH, the terminal's closing a SIGHUP.
LAUNCH = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
          "os.execv(sys.executable, [sys.executable] + sys.argv[1:])")



def full_screen(pyte):
    """pyte's Screen with what ncurses sends an xterm and pyte 0.8 does not emulate: REP
    (CSI n b, the last character n more times) and the scrolls SU and SD (CSI n S, CSI n T).
    Without them the screen read back is garbled where ncurses optimises a redraw."""

    class Screen(pyte.Screen):
        last = " "

        def draw(self, data):
            super().draw(data)
            if data:
                self.last = data[-1]

        def repeat_last(self, count=1, *rest, **flags):
            self.draw(self.last * max(count, 1))

        def scroll_up(self, count=1, *rest, **flags):
            """The lines within the scrolling margins up by count: an index() at the bottom
            margin scrolls them one line."""
            column, row = self.cursor.x, self.cursor.y
            self.cursor.y = self.margins.bottom if self.margins else self.lines - 1
            for _ in range(max(count, 1)):
                self.index()
            self.cursor.x, self.cursor.y = column, row

        def scroll_down(self, count=1, *rest, **flags):
            column, row = self.cursor.x, self.cursor.y
            self.cursor.y = self.margins.top if self.margins else 0
            for _ in range(max(count, 1)):
                self.reverse_index()
            self.cursor.x, self.cursor.y = column, row

    return Screen


def full_stream(pyte):
    """pyte's ByteStream that sends REP, SU and SD to full_screen()'s methods."""

    class Stream(pyte.ByteStream):
        csi = {**pyte.ByteStream.csi, "b": "repeat_last", "S": "scroll_up", "T": "scroll_down"}

    return Stream

class Session:
    """`python nn_from_scratch.py --play ARGS` on a pseudo-terminal of cols x rows."""

    def __init__(self, pyte, *args, cols=80, rows=24, program=("nn_from_scratch.py",)):
        import fcntl
        import pty
        import struct
        import termios
        self.pyte, self.fcntl, self.struct, self.termios = pyte, fcntl, struct, termios
        self.master, self.slave = pty.openpty()
        self.set_size(cols, rows)
        self.before = self.stty()
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm"
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *program, "--play", *args], cwd=ROOT,
            env=env, stdin=self.slave, stdout=self.slave, stderr=self.slave,
            start_new_session=True)
        self.screen = full_screen(pyte)(cols, rows)
        self.stream = full_stream(pyte)(self.screen)
        self.raw = b""

    def set_size(self, cols, rows):
        self.fcntl.ioctl(self.master, self.termios.TIOCSWINSZ,
                         self.struct.pack("HHHH", rows, cols, 0, 0))

    def stty(self):
        return subprocess.run(["stty", "-a"], stdin=self.slave, capture_output=True, text=True,
                              timeout=30).stdout

    def pump(self, seconds=0.05):
        import select
        end = time.monotonic() + seconds
        while True:
            ready = select.select([self.master], [], [], max(0.0, end - time.monotonic()))[0]
            if not ready:
                return
            chunk = os.read(self.master, 65536)
            self.raw += chunk
            self.stream.feed(chunk)

    def text(self):
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, pattern, timeout=60):
        """The first match of the regular expression on the screen, once it is there."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump()
            found = re.search(pattern, self.text(), re.M | re.S)
            if found:
                return found
        raise AssertionError(f"{pattern!r} never appeared:\n{self.text()}")

    def epoch(self):
        return int(self.wait_for(r"^epoch (\d+) ").group(1))

    def send(self, keys):
        os.write(self.master, keys.encode())

    def paused(self):
        self.wait_for(r"epoch [1-9]\d* .*running")
        self.send(" ")
        self.wait_for(r"paused")
        return self.epoch()

    def resize(self, cols, rows):
        self.screen.resize(rows, cols)
        self.set_size(cols, rows)  # the kernel sends SIGWINCH

    def finish(self, timeout=60):
        end = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < end:
            self.pump()
        self.pump(0.2)
        status = self.process.wait(timeout=5)
        self.after = self.stty()
        return status

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def session():
    pyte = pytest.importorskip("pyte", reason="pyte (requirements-test.txt) reads the screen")
    opened = []

    def start(*args, **size):
        opened.append(Session(pyte, *args, **size))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


def by_hand_rows(text, name):
    """The two rows of a matrix in the by-hand view (the lines after its title and its column
    labels), as lists of the numbers shown."""
    block = text.split(f"\n{name}\n")[1].split("\n")[1:3]
    return [line.split()[1:] for line in block]


@pytest.mark.slow
def test_on_a_terminal_pause_stops_the_epoch_counter_and_s_steps_exactly_one(session):
    game = session()
    at = game.paused()
    game.pump(0.5)
    assert game.epoch() == at
    game.send("s")
    game.wait_for(rf"^epoch {at + 1} ")
    game.pump(0.5)
    assert game.epoch() == at + 1
    game.send("q")
    assert game.finish() == 0


@pytest.mark.slow
def test_on_a_terminal_plus_doubles_the_lr_shown_and_the_next_update_uses_it(session):
    game = session(rows=50)
    at = game.paused()
    game.send("V")  # the view before the first: by hand, the weights to 4 digits
    game.wait_for("--by-hand at epoch")
    assert re.search(r"  lr 0\.5  ", game.text())
    game.send("+")
    game.wait_for(r"  lr 1  ")
    game.send("s")
    game.wait_for(rf"^epoch {at + 1} .*paused")
    shown = by_hand_rows(game.text(), "W1 (n_in, hidden)")
    from companion.by_hand import digits
    shown_units = len(shown[0])  # the first block of columns: as many as 80 columns hold
    assert shown_units >= 4

    def as_shown(W1):
        return [[digits(v) for v in row[:shown_units]] for row in W1]

    assert shown == as_shown(chapters_epochs([0.5] * at + [1.0])["W1"])
    assert shown != as_shown(chapters_epochs([0.5] * (at + 1))["W1"])  # not the old lr's step
    game.send("q")
    assert game.finish() == 0


@pytest.mark.slow
def test_on_a_terminal_r_goes_back_to_the_starting_weights(session):
    game = session(rows=50)
    game.paused()
    game.send("V")
    game.send("r")
    game.wait_for(r"^epoch 0 .*paused")
    start = listing(init_params(), "tanh", 0.5, weights="the starting weights").split("\n")[:40]
    # the whole view, not only its status line, redrawn: the screen arrives in pieces
    text = game.wait_for(re.escape("\n".join(start[6:30])), timeout=10).string
    assert "\n".join(start[6:30]) in text  # X, y, W1, b1, W2, b2 and more: the very start
    X, y = make_xor_data()
    loss = bce_loss(forward(init_params(), X)[-1], y)
    assert f"loss {loss:.4f}" in text
    game.send("q")
    assert game.finish() == 0


@pytest.mark.slow
def test_on_a_terminal_h_changes_the_shapes(session):
    game = session()
    game.paused()
    game.send("v")
    game.wait_for("hidden units: '#'")
    assert "unit 8:" in game.text()
    game.send("h")
    game.wait_for(r"net 2-7-1 ")
    assert "unit 7:" in game.text() and "unit 8:" not in game.text()
    game.send("HH")
    game.wait_for(r"net 2-9-1 ")
    game.send("q")
    assert game.finish() == 0


@pytest.mark.slow
def test_on_a_terminal_layers_are_added_removed_picked_and_drawn(session):
    game = session("--layers", "8,8")
    game.wait_for(re.escape("net 2-8-[8]-1 ") + ".*running")
    game.paused()
    game.send("L")
    game.wait_for(re.escape("net 2-8-8-[8]-1 ") + ".*paused")
    assert re.search(r"^epoch 0 ", game.text(), re.M)  # new starting weights
    game.send("1H")
    game.wait_for(re.escape("net 2-[9]-8-8-1 "))
    game.send("v")  # the units of the first hidden layer
    game.wait_for(r"^unit 9$")
    game.send("vvv")
    game.wait_for("by hand: --by-hand steps the chapter's network alone")
    game.send("l")
    game.wait_for(re.escape("net 2-[9]-8-1 "))
    game.send("L" * MOST_LAYERS)
    game.wait_for(f"hidden layers go from 1 to {MOST_LAYERS}")
    game.send("d" * DATA_NAMES.index("spiral3"))
    game.wait_for(r"net 2-9-8(-8){5}-\[8\]-3 .*spiral3")
    game.send("v")
    game.wait_for("decision regions")
    game.send("S")
    game.wait_for(r"^epoch 10 ")
    assert all(len(line.rstrip()) <= 80 for line in game.screen.display)
    game.send("q")
    assert game.finish() == 0
    summary = game.raw[game.raw.rindex(b"\x1b[?1049l"):].decode()
    assert "--play --data spiral3 --layers 9,8,8,8,8,8,8,8" in summary


@pytest.mark.slow
def test_on_a_terminal_v_cycles_every_view(session):
    game = session()
    game.paused()
    for view in VIEWS[1:] + VIEWS[:1]:
        game.send("v")
        game.wait_for(re.escape(HEADINGS[view]))
    game.send("q")
    assert game.finish() == 0


@pytest.mark.slow
def test_q_leaves_the_terminal_as_it_was(session):
    game = session()
    game.wait_for(r"running")
    game.send("q")
    assert game.finish() == 0
    assert game.after == game.before  # stty -a: echo, line mode, every setting
    raw = game.raw
    assert raw.rindex(b"\x1b[?1049l") > raw.rindex(b"\x1b[?1049h")  # the normal screen back
    assert raw.rindex(b"\x1b[?25h") > raw.rindex(b"\x1b[?25l")      # the cursor shown
    summary = raw[raw.rindex(b"\x1b[?1049l"):].decode()
    assert "--play stopped at epoch" in summary and "python nn_from_scratch.py --play" in summary


@pytest.mark.slow
@pytest.mark.parametrize("how, status, word", [("ctrl-c", 130, "interrupted"),
                                               ("sigterm", 143, "terminated"),
                                               ("sighup", 129, "hung up")])
def test_ctrl_c_and_signals_leave_the_terminal_as_it_was(session, how, status, word):
    game = session()
    game.wait_for(r"epoch [1-9]\d* .*running")
    if how == "ctrl-c":
        game.send("\x03")  # typed: the terminal makes it a SIGINT
    else:
        game.process.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGHUP)
    assert game.finish() == status
    assert game.after == game.before
    raw = game.raw
    assert raw.rindex(b"\x1b[?1049l") > raw.rindex(b"\x1b[?1049h")
    after = raw[raw.rindex(b"\x1b[?1049l"):].decode()
    assert re.search(rf"nn_from_scratch.py: {word} at epoch \d+: loss", after)
    assert "Traceback" not in after
    assert ("--play stopped at epoch" in after) == (how != "sighup")  # no one left to read it


# The playground with a mistake planted: its sixth screen raises an error.
BROKEN = """import runpy, sys
sys.path.insert(0, ".")
from companion import play
drawn, screen = [], play.Playground.screen
def broken(self, *size):
    drawn.append(1)
    if len(drawn) > 5:
        raise ValueError("a planted mistake")
    return screen(self, *size)
play.Playground.screen = broken
sys.argv = sys.argv[1:]
runpy.run_path("nn_from_scratch.py", run_name="__main__")
"""


@pytest.mark.slow
def test_an_error_leaves_the_terminal_as_it_was_and_says_what_it_was(session, tmp_path):
    (tmp_path / "broken.py").write_text(BROKEN)
    game = session(program=(str(tmp_path / "broken.py"), "nn_from_scratch.py"))
    assert game.finish() == 1 and game.after == game.before
    raw = game.raw
    assert raw.rindex(b"\x1b[?1049l") > raw.rindex(b"\x1b[?1049h")
    assert b"ValueError: a planted mistake" in raw[raw.rindex(b"\x1b[?1049l"):]


@pytest.mark.slow
def test_a_closed_terminal_ends_it_as_a_hang_up(session):
    game = session()
    game.wait_for(r"epoch [1-9]\d* .*running")
    os.close(game.master)  # the window closed: the kernel hangs the terminal up
    assert game.process.wait(timeout=60) == 129  # not 1: no second error on the way out


@pytest.mark.slow
def test_a_resize_redraws_within_the_new_size(session):
    game = session()
    game.wait_for(r"running")
    for cols, rows in [(100, 30), (120, 40), (60, 20)]:
        game.resize(cols, rows)
        edge = r"^ +\+" + "-" * (cols - 9) + r"\+$"  # the map's frame, as wide as it can be
        game.wait_for(edge)
        game.wait_for(r"q quit\Z")  # the keys on the new last line
        assert all(len(line.rstrip()) <= cols for line in game.screen.display)
    game.resize(30, 8)
    game.wait_for(r"^too small: needs 40x10$")
    game.resize(80, 24)
    game.wait_for(r"q quit\Z")
    game.send("q")
    assert game.finish() == 0 and game.after == game.before
