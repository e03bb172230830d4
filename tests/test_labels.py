"""Names beside dots: each takes the first spot that touches no name, no dot and no edge (views/labels.py)."""

import numpy as np

from metrics.diagnostics import quadrant_lines, rep_table
from metrics.filters import scope
from metrics.ingest import Upload, load
from metrics.scenarios import SCENARIOS
from sample_data.make_samples import SAMPLE_DIR
from views import charts
from views.labels import SPOTS, Spot, _box, _overlap, place_labels

ABOVE, BELOW, LEFT_OF_THE_DOT = 0, 1, 3


def test_a_name_alone_goes_above_its_dot():
    assert place_labels(np.array([200.0]), np.array([200.0]), ["Kari"], 600, 400) == [ABOVE]


def test_the_second_of_two_neighbours_goes_below_when_above_is_taken():
    x, y = np.array([200.0, 230.0]), np.array([200.0, 200.0])
    assert place_labels(x, y, ["Kari Nordmann", "Ola Hansen"], 600, 400) == [ABOVE, BELOW]


def test_a_dot_at_the_top_edge_is_named_below():
    assert place_labels(np.array([200.0]), np.array([3.0]), ["Kari"], 600, 400) == [BELOW]


def test_a_long_name_at_the_right_edge_ends_left_of_its_dot():
    # Centred above or below, 62 px of name would stick 26 px out of the plot; to the dot's left it fits.
    assert SPOTS[LEFT_OF_THE_DOT] == Spot(-10, 1, "right")
    assert place_labels(np.array([595.0]), np.array([200.0]), ["Ten chars!"], 600, 400) == [LEFT_OF_THE_DOT]


def test_a_name_never_sits_on_another_dot():
    # A dot just above: the spot above would cover it, so the name goes below.
    x, y = np.array([200.0]), np.array([200.0])
    dots = (np.array([200.0, 200.0]), np.array([200.0, 186.0]))
    assert place_labels(x, y, ["Kari"], 600, 400, dots=dots) == [BELOW]


def test_a_dot_without_a_value_takes_no_room():
    x, y = np.array([np.nan, 200.0]), np.array([200.0, 200.0])
    assert place_labels(x, y, ["Nobody", "Kari"], 600, 400) == [ABOVE, ABOVE]


def test_overlap_is_the_shared_area():
    box = np.array([0.0, 0.0, 10.0, 10.0])
    assert _overlap(box, np.array([[5.0, 5.0, 20.0, 20.0], [10.0, 0.0, 20.0, 10.0]])) == 25.0


def test_no_two_names_touch_on_the_startup_samples_quadrant():
    path = SAMPLE_DIR / "startup.xlsx"
    reps = rep_table(
        scope(load([Upload(path.name, path.read_bytes())]), SCENARIOS["startup"]), SCENARIOS["startup"].thresholds
    )
    spec = charts.quadrant_chart(reps, quadrant_lines(reps), "won", "Activities", "Won").to_dict()
    names = next(layer for layer in spec["layer"] if layer["mark"].get("dx") == {"expr": "datum.label_dx"})
    named = [
        (row["rep"], Spot(row["label_dx"], row["label_dy"], row["label_align"]))
        for row in spec["datasets"][names["data"]["name"]]
    ]
    assert sorted(rep for rep, _ in named) == sorted(reps["rep"])  # every rep named once, 12 of them
    x_top = spec["layer"][-1]["encoding"]["x"]["scale"]["domain"][1]
    y_top = spec["layer"][-1]["encoding"]["y"]["scale"]["domain"][1]
    by_rep = reps.set_index("rep")
    boxes = np.array(
        [
            _box(
                by_rep.at[rep, "effort"] / x_top * charts.LABEL_WIDTH,
                460 - by_rep.at[rep, "won"] / y_top * 460,
                6.2 * len(rep),
                spot,
            )
            for rep, spot in named
        ]
    )
    assert all(_overlap(box, np.delete(boxes, i, axis=0)) == 0 for i, box in enumerate(boxes))
