"""Passages redacted in one ragged shape, on rough scans: found as boxes that cover no released word.

An agency redacting a passage from part way along a line, or to part way along one, leaves one
shape on the page: full lines and a part. Its rectangle covers the words released beside the
part (so a grey one was taken for shading over text, and a black one hid those words). Each of
the three shapes of tests/pdfs.py RAGGED_PASSAGES (the last line ragged, the first, both), in
black with its ground printed white on it and in grey with its ground printed dark, on a page
scanned roughly (tests/pdfs.py rough_scan: 150 and 200 dpi, turned by up to 1.2 degrees, grain
and specks) with six seeds: 72 pages. Boxes are found as the worker finds them on a scan
(app.pdf.boxes.find_boxes, no OCR). Prints the pages where the passage is found, where a box
covers a released word, and where nothing is found.
Targets: no released word covered; the passage found on 95% of the pages.
"""

import pymupdf
from common import verdict
from pdfs import BLACK, GREY, RAGGED_PASSAGES, ragged_passage_pdf, rough_scan

from app.pdf.boxes import find_boxes

DPIS, SEEDS = (150, 200), range(6)
FOUND_TARGET = 0.95


def read(shape: str, fill: tuple, dpi: int, seed: int) -> tuple[bool, bool]:
    """(found, covers a released word) for one page."""
    pdf, released = ragged_passage_pdf(shape, fill)
    scan, _ = rough_scan(pdf, [{"boxes": [], "bad": []}], dpi, seed)
    boxes = [box.rect for box in find_boxes(pymupdf.open(stream=scan, filetype="pdf")[0], scanned=True)]
    covers = any(r[0] <= x <= r[2] and r[1] <= y <= r[3] for r in boxes for x, y in released)
    return bool(boxes), covers


def main() -> int:
    results = {
        (shape, name, dpi, seed): read(shape, fill, dpi, seed)
        for shape in RAGGED_PASSAGES
        for name, fill in (("black", BLACK), ("grey", GREY))
        for dpi in DPIS
        for seed in SEEDS
    }
    found = sum(f for f, _ in results.values())
    covering = [page for page, (_, covers) in results.items() if covers]
    missed = [page for page, (f, _) in results.items() if not f]
    pages = len(results)
    print(f"ragged passages on rough scans: {pages} pages (3 shapes, black and grey, 150 and 200 dpi, 6 seeds)")
    share = found / pages
    print(f"  found {found} of {pages} ({share:.3f}, target {FOUND_TARGET}) {verdict(share >= FOUND_TARGET)}")
    print(f"  a box over a released word: {len(covering)} (target 0) {verdict(not covering)}")
    for shape, name, dpi, seed in covering + missed:
        what = "covers released words" if (shape, name, dpi, seed) in covering else "not found"
        print(f"    {name}, {dpi} dpi, seed {seed}, {shape}: {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
