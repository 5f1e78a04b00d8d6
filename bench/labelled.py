"""A labelled set of OIA-style releases made in code: every box, ground and leak is known.

Pages carry what real releases carry: redaction boxes with their ground printed beside them
in the forms agencies use, inside them in white, or not at all; boxes drawn over text that is
still there (leaky); pages withheld in full; and things that are not boxes or grounds: bold
headings, table rules, grey call-outs, a photograph, phone numbers, dates, list numbering.
"""

import functools
import random
import re

import numpy as np
import pymupdf

WIDTH, HEIGHT, LEFT, RIGHT = 595, 842, 72, 523
LINE = 24  # points between baselines
SIZE = 11
GROUNDS = [
    "9(2)(a)",
    "9(2)(a)",
    "9(2)(a)",
    "9(2)(b)(ii)",
    "9(2)(ba)(i)",
    "9(2)(c)",
    "9(2)(f)(iv)",
    "9(2)(g)(i)",
    "9(2)(g)(i)",
    "9(2)(g)(ii)",
    "9(2)(h)",
    "9(2)(i)",
    "9(2)(j)",
    "9(2)(k)",
    "6(a)",
    "6(b)",
    "18(d)",
]
FORMS = ["s {g}", "s{g}", "section {g}", "{g} OIA", "[withheld under s {g}]", "s. {g}"]
SENTENCES = [
    "Officials met the Defence Industry Advisory Group on the programme.",
    "The supply chain resilience workstream reports to the steering group.",
    "Sustainment and repair contracts are reviewed every six months.",
    "The Ministry expects the business case to be ready in March.",
    "Cabinet agreed the funding envelope in its meeting last year.",
    "Co-production with partners remains under negotiation.",
    "Policy and optimisation advice will follow in the next briefing.",
    "The reputational risk is described in the annex to this paper.",
]
HEADINGS = ["Background", "Purpose", "Options", "Risks", "Next steps", "Financial implications"]
DISTRACTORS = [
    "Contact: Ministry of Defence, 04 496 0999, extension 9(2).",
    "6(a) Background to the request, dated 9/2/2024.",
    "See paragraph 18(d) of the terms of reference, page 7(a) of the annex.",
    "Item 9 (2) of the agenda was deferred to 12 March.",
]


class Page:
    """One generated page and its truth."""

    def __init__(
        self,
        page: pymupdf.Page,
        rng: random.Random,
        label_font: str = "helv",
        label_size: float = 8,
        moved: random.Random | None = None,
        places: tuple[str, ...] = (),
    ):
        self.page, self.rng = page, rng
        self.label_font, self.label_size = label_font, label_size
        self.moved, self.places = moved, places  # draws whether a label beside a box goes to one of places instead
        self.boxes: list[tuple[tuple, str | None]] = []  # (rect, ground)
        self.bad: list[tuple] = []
        self.citations: list[str] = []

    def text(self, x, y, text, font="helv", size=SIZE, colour=(0, 0, 0)):
        self.page.insert_text((x, y), text, fontsize=size, fontname=font, fontfile=FONT_FILES.get(font), color=colour)
        return x + text_length(text, font, size)

    def box(self, x, y, width, ground, where):
        """A black box on the line at baseline y, its ground beside it, inside it (the box widened
        to hold it: white print past a box's edge cannot be seen) or nowhere."""
        label = self.rng.choice(FORMS).format(g=ground) if ground else None
        if label and where == "inside":
            width = max(width, text_length(label, self.label_font, self.label_size) + 6)
        rect = (round(x, 2), y - 10, round(x + width, 2), y + 3)
        self.page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
        end = x + width
        if label and where == "inside":
            self.text(x + 3, y, label, font=self.label_font, size=self.label_size, colour=(1, 1, 1))
        elif label and (place := self._moved_to()):
            self._label_elsewhere(x, y, label, place)
        elif label:
            end = self.text(x + width + 3, y, label, font=self.label_font, size=self.label_size)
        self.boxes.append((rect, ground))
        if ground:
            self.citations.append(ground)
        return end

    def _moved_to(self) -> str | None:
        """Where a label beside a box is printed instead, if anywhere (one draw for one place: the
        set with labels under boxes stays as it was made)."""
        if self.moved is None or self.moved.random() >= MOVED_SHARE:
            return None
        return self.places[0] if len(self.places) == 1 else self.moved.choice(self.places)

    def _label_elsewhere(self, x: float, y: float, label: str, place: str) -> None:
        """A box's label (its baseline at y) under the box's left end, above it, or in the left
        margin on its line (shortened to "s 9(2)(a)" when the margin is too narrow for it)."""
        font, size = self.label_font, self.label_size
        if place == "under":
            self.text(x, y + 11, label, font=font, size=size)
        elif place == "above":
            self.text(x, y - 14, label, font=font, size=size)  # as far from the box as one under it
        else:
            if text_length(label, font, size) > LEFT - 12:
                label = "s " + GROUND.search(label).group(0)
            self.text(LEFT - 6 - text_length(label, font, size), y, label, font=font, size=size)


def _sentence_with_box(p: Page, y: float) -> None:
    words = p.rng.choice(SENTENCES).split()
    cut = p.rng.randrange(1, len(words))
    x = p.text(LEFT, y, " ".join(words[:cut])) + 4
    width = p.rng.uniform(40, min(220, RIGHT - x - 110))
    where = p.rng.choices(["beside", "inside", "none"], [0.8, 0.1, 0.1])[0]
    ground = None if where == "none" else p.rng.choice(GROUNDS)
    end = p.box(x, y, width, ground, where) + 4
    rest = " ".join(words[cut : cut + 3])
    if end + pymupdf.get_text_length(rest, fontsize=SIZE) < RIGHT:
        p.text(end, y, rest)


def _wide_box(p: Page, y: float) -> None:
    ground = p.rng.choice(GROUNDS)
    p.box(LEFT, y, p.rng.uniform(250, 380), ground, "beside")


def _leaky_box(p: Page, y: float) -> None:
    """Text written, then a box drawn over some of its words: the words are still in the PDF."""
    words = p.rng.choice(SENTENCES).split()
    p.text(LEFT, y, " ".join(words))
    first = p.rng.randrange(0, len(words) - 2)
    last = first + p.rng.randrange(1, 3)
    x0 = LEFT + pymupdf.get_text_length(" ".join(words[:first]) + (" " if first else ""), fontsize=SIZE)
    x1 = LEFT + pymupdf.get_text_length(" ".join(words[: last + 1]), fontsize=SIZE)
    rect = (round(x0 - 1, 2), y - 10, round(x1 + 1, 2), y + 3)
    p.page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
    ground = p.rng.choice(GROUNDS)
    p.text(LEFT + pymupdf.get_text_length(" ".join(words), fontsize=SIZE) + 4, y, f"s {ground}", size=8)
    p.boxes.append((rect, ground))
    p.bad.append(rect)
    p.citations.append(ground)


def _plain(p: Page, y: float) -> None:
    p.text(LEFT, y, p.rng.choice(SENTENCES))


def _distractor(p: Page, y: float) -> None:
    p.text(LEFT, y, p.rng.choice(DISTRACTORS))


def _subheading(p: Page, y: float) -> None:
    p.text(LEFT, y, p.rng.choice(HEADINGS), font="hebo", size=13)


LINE_KINDS = [
    (_plain, 4),
    (_sentence_with_box, 3),
    (_wide_box, 1),
    (_leaky_box, 0.6),
    (_distractor, 1),
    (_subheading, 1),
]


def _table(p: Page, y: float) -> float:
    """A small table ruled with lines: rules are not boxes."""
    for row in range(4):
        top = y + row * 20
        p.page.draw_line((LEFT, top - 14), (RIGHT, top - 14), color=(0, 0, 0), width=1.2)
        p.text(LEFT + 4, top, f"Line item {row + 1}")
        p.text(LEFT + 250, top, f"${p.rng.randrange(10, 900)},000")
    p.page.draw_line((LEFT, y + 66), (RIGHT, y + 66), color=(0, 0, 0), width=1.2)
    return y + 90


def _callout(p: Page, y: float) -> float:
    """A grey shaded call-out with text on it: shaded, not redacted."""
    p.page.draw_rect((LEFT, y - 14, RIGHT, y + 30), color=(0.6, 0.6, 0.6), fill=(0.85, 0.85, 0.85))
    p.text(LEFT + 8, y, "Key point: the programme is on budget.")
    p.text(LEFT + 8, y + 20, "Officials will report again in June.")
    return y + 52


def _photo(p: Page, y: float) -> float:
    """A photograph: dark and light areas, never solid."""
    noise = np.array([[p.rng.random() for _ in range(60)] for _ in range(40)])
    smooth = (noise + np.roll(noise, 1, 0) + np.roll(noise, 1, 1)) / 3
    pixels = (smooth * 200).astype(np.uint8)
    image = pymupdf.Pixmap(pymupdf.csGRAY, 60, 40, pixels.tobytes(), False)
    p.page.insert_image((LEFT, y - 10, LEFT + 180, y + 110), pixmap=image)
    p.text(LEFT + 190, y + 50, "Figure 1: the site visit.", size=9)
    return y + 130


LABEL_FONTS = ["helv", "tiro", "cour"]  # Helvetica, Times, Courier
# Fonts no set was tuned on (Debian's fonts-dejavu-core, installed by make test): wider, rounder
# and heavier than the PDF standard fonts, a bold among them.
DEJAVU = "/usr/share/fonts/truetype/dejavu/"
FONT_FILES = {
    "dvsans": DEJAVU + "DejaVuSans.ttf",
    "dvserif": DEJAVU + "DejaVuSerif.ttf",
    "dvmono": DEJAVU + "DejaVuSansMono.ttf",
    "dvbold": DEJAVU + "DejaVuSans-Bold.ttf",
    "dvserifbold": DEJAVU + "DejaVuSerif-Bold.ttf",
}
UNSEEN_LABEL_FONTS = list(FONT_FILES)


@functools.cache
def _font(name: str) -> pymupdf.Font:
    return pymupdf.Font(fontfile=FONT_FILES[name]) if name in FONT_FILES else pymupdf.Font(name)


def text_length(text: str, font: str, size: float) -> float:
    """Points wide that text is in a PDF standard font or one of FONT_FILES."""
    return _font(font).text_length(text, fontsize=size)


LABEL_SIZES = [7, 8, 9]
MOVED_SHARE = 0.5  # of the labels beside a box, in a set with labels printed elsewhere
PLACES = ("under", "above", "margin")  # where: under its left end, above it, or in the left margin
GROUND = re.compile(r"\d+\(\w+\)(?:\(\w+\))*")


def _page(
    doc: pymupdf.Document,
    rng: random.Random,
    number: int,
    varied: random.Random | None,
    moved: random.Random | None,
    places: tuple[str, ...],
    label_fonts: list[str],
) -> Page:
    # Label fonts, sizes and places vary only when asked (generators of their own: the plain set
    # stays as it was, and a set with labels under boxes has the same boxes as the one without).
    font, size = (varied.choice(label_fonts), varied.choice(LABEL_SIZES)) if varied else ("helv", 8)
    p = Page(doc.new_page(width=WIDTH, height=HEIGHT), rng, font, size, moved, places)
    p.text(LEFT, 60, f"IN CONFIDENCE · Page {number}", size=8)
    if rng.random() < 0.1:
        ground = rng.choice(GROUNDS)
        p.text(120, 400, f"Page withheld in full under section {ground} of the Act.", size=12)
        p.citations.append(ground)
        return p
    p.text(LEFT, 90, f"BRIEFING: {rng.choice(HEADINGS)}", font="hebo", size=14)
    p.page.draw_line((LEFT, 98), (RIGHT, 98), color=(0, 0, 0), width=1)
    y = 130.0
    extras = [_table, _callout, _photo]
    while y < HEIGHT - 80:
        if extras and rng.random() < 0.12:
            y = extras.pop(rng.randrange(len(extras)))(p, y)
            continue
        kinds, weights = zip(*LINE_KINDS, strict=True)
        rng.choices(kinds, weights)[0](p, y)
        y += LINE
    return p


def release(
    pages: int,
    seed: int,
    varied_labels: bool = False,
    labels_moved_to: tuple[str, ...] = (),
    label_fonts: list[str] = LABEL_FONTS,
) -> tuple[bytes, list[dict]]:
    """A release of `pages` pages and, per page, {"boxes": [(rect, ground)], "bad": [rect], "citations": [...]}.

    With varied_labels, grounds are printed in one of label_fonts (Helvetica, Times or Courier
    unless asked) at 7, 8 or 9 points;
    with labels_moved_to (places of PLACES), half the grounds printed beside a box are printed in
    one of those places instead."""
    rng = random.Random(seed)
    varied = random.Random(seed + 1) if varied_labels else None
    moved = random.Random(seed + 2) if labels_moved_to else None
    doc = pymupdf.open()
    truth = []
    for number in range(1, pages + 1):
        p = _page(doc, rng, number, varied, moved, labels_moved_to, label_fonts)
        truth.append({"boxes": p.boxes, "bad": p.bad, "citations": p.citations})
    return doc.tobytes(), truth
