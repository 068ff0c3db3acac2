"""Where to put the circles of a network picture: a small deterministic force-directed layout
(Fruchterman-Reingold) followed by a pass that pushes apart nodes whose label boxes overlap.

Plain Python, no numpy: the pictures have fewer than 200 nodes. A fixed seed and a fixed number of
iterations make the same graph give the same coordinates, so the same SVG, byte for byte."""

import math
import random
import unicodedata
from dataclasses import dataclass


def text_width(text: str, size: float) -> float:
    """An estimate of the width of text in a sans-serif font: wide (CJK) characters take a full em."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in "WF":
            width += 1.0
        elif char.isupper() or char.isdigit():
            width += 0.7
        elif char in " ,.;:/()-'|!il":
            width += 0.36
        else:
            width += 0.6
    return width * size


def shorten(text: str, max_width: float, size: float) -> str:
    """text, cut with an ellipsis so that it fits in max_width."""
    if text_width(text, size) <= max_width:
        return text
    kept = ""
    for char in text:
        if text_width(kept + char + "…", size) > max_width:
            break
        kept += char
    return kept.rstrip(" ,;:/(-.…") + "…"


GRAVITY = 0.3  # pull toward the centre, relative to the repulsion


def force_layout(count: int, edges: list[tuple[int, int, float]], iterations: int = 300,
                 seed: int = 20170606) -> list[tuple[float, float]]:
    """Positions in the unit square for nodes 0..count-1 joined by (a, b, weight) edges.

    Fruchterman-Reingold: every pair repels, every edge attracts, a weak pull to the centre keeps
    unconnected parts on the page, and the step shrinks linearly to zero so the result settles."""
    if count == 0:
        return []
    rng = random.Random(seed)
    xs = [rng.random() for _ in range(count)]
    ys = [rng.random() for _ in range(count)]
    k = math.sqrt(1.0 / count)
    k2 = k * k
    start = 0.1
    for step in range(iterations):
        dx_all = [0.0] * count
        dy_all = [0.0] * count
        for i in range(count):
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, count):
                dx, dy = xi - xs[j], yi - ys[j]
                d2 = dx * dx + dy * dy
                if d2 < 1e-12:
                    dx, dy, d2 = 1e-6 * (1 + i % 3), 1e-6 * (1 + j % 5), 1e-12
                force = k2 / d2
                dx_all[i] += dx * force
                dy_all[i] += dy * force
                dx_all[j] -= dx * force
                dy_all[j] -= dy * force
        for a, b, weight in edges:
            dx, dy = xs[a] - xs[b], ys[a] - ys[b]
            distance = math.sqrt(dx * dx + dy * dy)
            pull = distance / k * math.sqrt(weight)
            dx_all[a] -= dx * pull
            dy_all[a] -= dy * pull
            dx_all[b] += dx * pull
            dy_all[b] += dy * pull
        limit = start * (1 - step / iterations)
        for i in range(count):
            dx = dx_all[i] - (xs[i] - 0.5) * GRAVITY * count * k
            dy = dy_all[i] - (ys[i] - 0.5) * GRAVITY * count * k
            length = math.sqrt(dx * dx + dy * dy)
            if length > 0:
                moved = min(length, limit)
                xs[i] += dx / length * moved
                ys[i] += dy / length * moved
    return list(zip(xs, ys))


@dataclass
class Box:
    """The space a node takes on the page, around its centre (x, y): its circle and its label."""

    x: float
    y: float
    left: float
    right: float
    top: float
    bottom: float

    def overlap(self, other: "Box", gap: float) -> tuple[float, float]:
        """How far the two boxes overlap horizontally and vertically (both > 0 when they do)."""
        dx = min(self.x + self.right, other.x + other.right) - max(self.x - self.left, other.x - other.left) + gap
        dy = min(self.y + self.bottom, other.y + other.bottom) - max(self.y - self.top, other.y - other.top) + gap
        return dx, dy


def separate(boxes: list[Box], gap: float = 6.0, passes: int = 400) -> None:
    """Move boxes apart until none overlaps another, each time along the axis that needs the
    smaller move, half of the move for each box. In place; the order of boxes breaks ties."""
    for _ in range(passes):
        moved = False
        # Sweep from left to right: only boxes that start before this one ends can overlap it.
        # A pass that moves nothing leaves the order valid, so "no move" means "no overlap".
        order = sorted(range(len(boxes)), key=lambda n: (boxes[n].x - boxes[n].left, n))
        for position, i in enumerate(order):
            a = boxes[i]
            for j in order[position + 1:]:
                b = boxes[j]
                if b.x - b.left >= a.x + a.right + gap:
                    break
                dx, dy = a.overlap(b, gap)
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                if dx < dy:
                    direction = 1.0 if a.x < b.x or (a.x == b.x and i < j) else -1.0
                    a.x -= direction * dx / 2
                    b.x += direction * dx / 2
                else:
                    direction = 1.0 if a.y < b.y or (a.y == b.y and i < j) else -1.0
                    a.y -= direction * dy / 2
                    b.y += direction * dy / 2
        if not moved:
            return


def bounds(boxes: list[Box]) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of everything the boxes cover."""
    return (min(b.x - b.left for b in boxes), min(b.y - b.top for b in boxes),
            max(b.x + b.right for b in boxes), max(b.y + b.bottom for b in boxes))
