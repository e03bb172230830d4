"""Where each name goes beside its dot on a scatter, so that names don't write over each other or over dots.

Vega-Lite places a text mark at a fixed offset from its point and has no collision avoidance, so a tight
cluster of reps came out as a smudge of names ("Mateusz Nowak" through "Mei Lin Chen" on the startup sample).
Here every name tries a few spots around its dot in turn (above, below, right, left, the corners, further out)
and takes the first that touches nothing already placed, or else the one that touches least. It works in
pixels, from the chart's height and the narrowest width it is drawn at: drawn wider, names only move apart.

No streamlit and no Altair: the charts use it, and it is tested on hand-made points with exact answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

CHARACTER_PX = 6.2  # the average width of a character in the charts' 11 px labels
LINE_PX = 13.0
DOT_PX = 7.0  # half the width of a dot of size 140 (Vega-Lite sizes are areas in square pixels)


@dataclass(frozen=True)
class Spot:
    """An offset from the dot's centre, in pixels (dy grows downward), and which end of the name sits there."""

    dx: int
    dy: int
    align: Literal["center", "left", "right"]  # "left": the name starts at the spot; "right": it ends there


# In order of preference: straight above or below reads best, then beside, then the corners, then further out.
SPOTS = (
    Spot(0, -14, "center"),
    Spot(0, 16, "center"),
    Spot(10, 1, "left"),
    Spot(-10, 1, "right"),
    Spot(8, -13, "left"),
    Spot(-8, -13, "right"),
    Spot(8, 15, "left"),
    Spot(-8, 15, "right"),
    Spot(0, -28, "center"),
    Spot(0, 30, "center"),
)


def _box(x: float, y: float, width: float, spot: Spot) -> np.ndarray:
    """left, top, right, bottom of a name of `width` pixels placed at `spot` from the dot at (x, y)."""
    centre_x, centre_y = x + spot.dx, y + spot.dy
    left = {"center": centre_x - width / 2, "left": centre_x, "right": centre_x - width}[spot.align]
    return np.array([left, centre_y - LINE_PX / 2, left + width, centre_y + LINE_PX / 2])


def _overlap(box: np.ndarray, others: np.ndarray) -> float:
    """The area `box` shares with the boxes in `others` (one a row), added up."""
    if not len(others):
        return 0.0
    wide = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    tall = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(wide, 0, None) * np.clip(tall, 0, None)))


def place_labels(
    x: np.ndarray, y: np.ndarray, names: list[str], width: float, height: float, dots: tuple | None = None
) -> list[int]:
    """For each name, the index in SPOTS where it goes. `x` and `y` are its dot's position in pixels from the
    plot's top left; `dots` (x, y) are every dot drawn, named or not (default: the named ones). Names are placed
    in the order given, so the ones that matter most (the flagged) come first and get the best spots."""
    all_x, all_y = (x, y) if dots is None else dots
    dot_boxes = np.column_stack(
        [np.asarray(all_x) - DOT_PX, np.asarray(all_y) - DOT_PX, np.asarray(all_x) + DOT_PX, np.asarray(all_y) + DOT_PX]
    ).reshape(-1, 4)
    dot_boxes = dot_boxes[~np.isnan(dot_boxes).any(axis=1)]  # a dot without a value is not drawn
    placed = np.empty((0, 4))
    chosen = []
    for dot_x, dot_y, name in zip(x, y, names, strict=True):
        if np.isnan(dot_x) or np.isnan(dot_y):
            chosen.append(0)
            continue
        name_width = CHARACTER_PX * len(name)
        best, least = 0, np.inf
        for index, spot in enumerate(SPOTS):
            box = _box(dot_x, dot_y, name_width, spot)
            outside = max(0.0, -box[0]) + max(0.0, box[2] - width) + max(0.0, -box[1]) + max(0.0, box[3] - height)
            cost = _overlap(box, placed) + _overlap(box, dot_boxes) + outside * LINE_PX
            if cost < least:
                best, least = index, cost
            if cost == 0:
                break
        chosen.append(best)
        placed = np.vstack([placed, _box(dot_x, dot_y, name_width, SPOTS[best])])
    return chosen
