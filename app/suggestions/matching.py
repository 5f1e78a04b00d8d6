"""Where keyword rules match a page's text. Pure; run inside a time-limited child because
a person's regular expression can take forever on the wrong text."""

import re

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
MAX_PATTERN = 500


def compile_rule(pattern: str, is_regex: bool) -> re.Pattern:
    """The regular expression of a rule: its phrases as whole words, or the expression itself."""
    if is_regex:
        return re.compile(pattern, re.IGNORECASE)
    phrases = sorted({p.strip() for p in pattern.splitlines() if p.strip()}, key=len, reverse=True)
    # Whitespace in a phrase matches any run of whitespace: lines break anywhere.
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def matches(text: str, pattern: re.Pattern, scope: str) -> list[tuple[int, int]]:
    """(start, end) of each match, widened to its sentence for the sentence scope, without repeats."""
    spans = []
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        span = _sentence(text, match.start(), match.end()) if scope == "sentence" else match.span()
        if span not in spans:
            spans.append(span)
    return spans


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    following = SENTENCE_END.search(text, end)
    right = following.start() if following else len(text)
    return left, right
