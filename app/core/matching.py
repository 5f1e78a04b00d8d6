"""Where keyword rules match a page's text. Pure.

A person's regular expression runs on RE2, whose matching time grows with the text and never
with backtracking: no pattern can stall the worker. RE2 has no look-arounds or backreferences;
a pattern that needs them is refused with a sentence.
"""

import re

import re2

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")  # ours, fixed and linear
MAX_PATTERN = 500
RULE_MEMORY_BYTES = 64 * 1024 * 1024  # RE2 refuses a pattern whose automaton needs more


class RuleRefused(ValueError):
    """A rule that cannot be matched; str(error) is a sentence for a person."""


def compile_rule(pattern: str, is_regex: bool):
    """The RE2 expression of a rule, case-insensitive: its phrases, or the expression itself."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = RULE_MEMORY_BYTES
    source = pattern if is_regex else _phrases_expression(pattern)
    try:
        return re2.compile(source, options)
    except re2.error as error:
        reason = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) else error
        raise RuleRefused(
            f"That regular expression does not compile in RE2 ({reason}). Rules use RE2 syntax: no "
            "look-behind, look-ahead or back-references."
        ) from None


def _phrases_expression(pattern: str) -> str:
    phrases = sorted({p.strip() for p in pattern.splitlines() if p.strip()}, key=len, reverse=True)
    # Whitespace in a phrase matches any run of whitespace: lines break anywhere.
    return "|".join(r"\s+".join(map(re2.escape, p.split())) for p in phrases)


def matches(text: str, pattern, scope: str, whole_words: bool) -> list[tuple[int, int]]:
    """(start, end) of each match, widened to its sentence for the sentence scope, without repeats.

    Phrases match whole words only (checked here: RE2's word boundary knows ASCII letters only)."""
    spans = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if end == start or (whole_words and not _whole_words(text, start, end)):
            continue
        span = _sentence(text, start, end) if scope == "sentence" else (start, end)
        if span not in spans:
            spans.append(span)
    return spans


def _whole_words(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_is_word_char(before) or _is_word_char(after))


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    following = SENTENCE_END.search(text, end)
    right = following.start() if following else len(text)
    return left, right
