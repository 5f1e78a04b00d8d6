"""Rectangles as [x0, y0, x1, y1] (lists or tuples, in points or pixels)."""


def iou(a, b) -> float:
    """Intersection over union of two rectangles: 1 for the same, 0 for apart."""
    across = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    down = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    shared = across * down
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - shared
    return shared / union if union > 0 else 0.0


def bounds(rects) -> list[float]:
    """The smallest rectangle holding all of these (at least one)."""
    return [min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)]
