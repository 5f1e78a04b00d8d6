"""Page furniture: watermarks and release stamps that an agency prints over or beside a page's
own text ("Proactively Released" across the page, "Released under the Official Information Act
1982" on every page). They are not the document's words: they stay out of its text, and are
kept as facts about the release instead."""

import re

# A line that is a release stamp and nothing else (case and spacing aside). "Released" alone is
# not one: it is what a schedule of documents prints in its decision column.
STAMP = re.compile(
    r"proactively\s+released(?:\s+(?:under|pursuant\s+to)\s+the\s+official\s+information\s+act(?:\s+1982)?)?"
    r"|released\s+(?:under|pursuant\s+to)\s+the\s+official\s+information\s+act(?:\s+1982)?"
    r"|released\s+under\s+the\s+local\s+government\s+official\s+information\s+and\s+meetings\s+act(?:\s+1987)?",
    re.IGNORECASE,
)
DIAGONAL = 0.2  # a line whose direction has both components above this is set at an angle


def is_stamp(text: str) -> bool:
    """Whether a line's text is a release stamp on its own ("Proactively Released", "RELEASED UNDER
    THE OFFICIAL INFORMATION ACT 1982"), not a sentence that mentions release."""
    return bool(STAMP.fullmatch(" ".join(text.split()).strip(" .")))


def is_furniture(text: str, direction: tuple[float, float] = (1.0, 0.0)) -> bool:
    """Whether a line is a watermark (set at an angle) or a release stamp."""
    dx, dy = direction
    return (abs(dx) > DIAGONAL and abs(dy) > DIAGONAL) or is_stamp(text)


def facts_from(furniture: list[str]) -> dict:
    """What a page's furniture says about the release."""
    said = " ".join(" ".join(furniture).lower().split())
    facts = {}
    if "proactively releas" in said:  # a watermark running off the page loses its end
        facts["proactively_released"] = True
    if "official information act" in said or "official information and meetings act" in said:
        facts["released_under_oia"] = True
    return facts
