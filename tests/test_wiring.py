"""The flags hand the pictures what the run has: its held-out points, and the cluster centres
only where the data has them (XOR's)."""

import pytest

from companion import run as companion_run
from companion.pictures import TEST_MARKS

CENTRES_LINE = "0/1: the cluster centres and their class"


def run(capsys, *argv):
    assert companion_run.main(["--epochs", "30", *argv]) == 0
    return capsys.readouterr().out


def test_held_out_points_are_drawn_in_the_regions_and_the_hidden_space(capsys):
    out = run(capsys, "--data", "circles", "--test", "50", "--boundary", "--hidden-space")
    assert out.count(TEST_MARKS) == 1  # the regions' legend
    assert out.count("held-out: ") == 2  # the hidden space, before and after
    assert "c" in out.split(TEST_MARKS)[1] or "C" in out.split(TEST_MARKS)[1]


def test_without_test_points_the_pictures_have_no_test_marks(capsys):
    out = run(capsys, "--data", "circles", "--boundary", "--hidden-space")
    assert TEST_MARKS not in out and "held-out: " not in out


@pytest.mark.parametrize("data, marked", [("xor", True), ("spiral", False)])
def test_unit_maps_mark_the_cluster_centres_on_xor_alone(data, marked, capsys):
    out = run(capsys, "--data", data, "--features")
    assert (CENTRES_LINE in out) == marked


def test_the_figure_gets_the_test_points_and_no_centres_off_xor(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from companion import plot
    seen = {}
    monkeypatch.setattr(plot, "save_figure", lambda *a, **kw: seen.update(kw))
    assert companion_run.main(["--epochs", "5", "--data", "moons", "--test", "20", "--plot",
                                 str(tmp_path / "f.png")]) == 0
    assert seen["centres"] is None and len(seen["test"][0]) == 20
