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
    return _boxes(x, y, width)[SPOTS.index(spot)]


_DX = np.array([spot.dx for spot in SPOTS], dtype=float)
_DY = np.array([spot.dy for spot in SPOTS], dtype=float)
_SHIFT = np.array([{"center": -0.5, "left": 0.0, "right": -1.0}[spot.align] for spot in SPOTS])  # × width


def _boxes(x: float, y: float, width: float) -> np.ndarray:
    """The name's box at every spot, one row a spot: left, top, right, bottom."""
    left = x + _DX + _SHIFT * width
    middle = y + _DY
    return np.column_stack([left, middle - LINE_PX / 2, left + width, middle + LINE_PX / 2])


def _overlap(box: np.ndarray, others: np.ndarray) -> np.ndarray | float:
    """The area each box shares with the boxes in `others` (one a row), added up: `box` is one box (a float
    comes back) or one a row (an array, one sum a row)."""
    boxes = np.atleast_2d(box)
    if not len(others):
        found = np.zeros(len(boxes))
    else:
        wide = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
        tall = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
        found = np.sum(np.clip(wide, 0, None) * np.clip(tall, 0, None), axis=1)
    return float(found[0]) if np.ndim(box) == 1 else found


def place_labels(
    x: np.ndarray, y: np.ndarray, names: list[str], width: float, height: float, dots: tuple | None = None
) -> list[int]:
    """For each name, the index in SPOTS where it goes. `x` and `y` are its dot's position in pixels from the
    plot's top left; `dots` (x, y) are every dot drawn, named or not (default: the named ones). Names are placed
    in the order given, so the ones that matter most (the flagged) come first and get the best spots."""
    all_x, all_y = (np.asarray(x, dtype=float), np.asarray(y, dtype=float)) if dots is None else dots
    all_x, all_y = np.asarray(all_x, dtype=float), np.asarray(all_y, dtype=float)
    dot_boxes = np.column_stack([all_x - DOT_PX, all_y - DOT_PX, all_x + DOT_PX, all_y + DOT_PX]).reshape(-1, 4)
    dot_boxes = dot_boxes[~np.isnan(dot_boxes).any(axis=1)]  # a dot without a value is not drawn
    placed = np.empty((len(names), 4))
    count = 0
    chosen = []
    for dot_x, dot_y, name in zip(x, y, names, strict=True):
        if np.isnan(dot_x) or np.isnan(dot_y):
            chosen.append(0)
            continue
        boxes = _boxes(dot_x, dot_y, CHARACTER_PX * len(name))
        outside = (
            np.clip(-boxes[:, 0], 0, None)
            + np.clip(boxes[:, 2] - width, 0, None)
            + np.clip(-boxes[:, 1], 0, None)
            + np.clip(boxes[:, 3] - height, 0, None)
        )
        cost = _overlap(boxes, placed[:count]) + _overlap(boxes, dot_boxes) + outside * LINE_PX
        best = int(np.argmin(cost))  # the first spot touching nothing, if any: SPOTS is in order of preference
        chosen.append(best)
        placed[count] = boxes[best]
        count += 1
    return chosen
