"""The search box's language, read into clauses and filters. Pure: no SQL, no database.

Whatever a person types is a valid query: open quotes run to the end, lone operators are
ignored, and a word with punctuation inside it ("OPS-306", "9(2)(a)", "c++") is looked for as
the phrase of its words, as the index splits it. Words are folded as the index folds them:
lower case, diacritics removed ("Māori" is "maori").

    words              every word must match
    "exact phrase"     the words next to each other, in order
    "a b"~5            the words within five words of each other
    a OR b             either
    -word, -"phrase"   must not match (a filter too: -tag:Risk)
    prefix*            any word starting so
    word~              OCR-tolerant: also words of the index within one or two edits
    tag:NAME doc:ID agency:NAME ground:9(2)(a) ocr:yes|no in:notes date:2024-01..2024-06
"""

import re
import unicodedata
from dataclasses import dataclass, field

WORD = re.compile(r"[^\W_]+")  # a word of the index: a run of letters and digits, as FTS5's unicode61 splits
FILTER_KEYS = ("tag", "doc", "agency", "ground", "ocr", "in", "date")
OR = "OR"
NEAR_MAX = 100
_FILTER = re.compile(r"(?i)(-?)(" + "|".join(FILTER_KEYS) + r"):")
_NEAR = re.compile(r"~(\d{1,3})")


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, or a phrase of several (within `near` words of each other
    when near is set); the last word may be a prefix; a lone word may be fuzzy."""

    words: tuple[str, ...]
    prefix: bool = False
    fuzzy: bool = False
    near: int | None = None


@dataclass(frozen=True)
class Clause:
    """Terms joined by OR; excluded: no page may match any of them."""

    options: tuple[Term, ...]
    excluded: bool = False


@dataclass(frozen=True)
class Filter:
    """key:value, as typed (the value unfolded); excluded when written -key:value."""

    key: str
    value: str
    excluded: bool = False


@dataclass
class Query:
    """What a search asks for: clauses that must all hold, and filters."""

    clauses: list[Clause] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)

    @property
    def included(self) -> list[Clause]:
        return [c for c in self.clauses if not c.excluded]

    @property
    def excluded(self) -> list[Clause]:
        return [c for c in self.clauses if c.excluded]

    @property
    def is_empty(self) -> bool:
        return not (self.clauses or self.filters)

    def values(self, key: str, excluded: bool = False) -> list[str]:
        """The values given for one filter key."""
        return [f.value for f in self.filters if f.key == key and f.excluded == excluded]

    def lit_words(self) -> list[Term]:
        """The terms whose words a hit lights up: those that must (or may) match."""
        return [term for clause in self.included for term in clause.options]


def fold(text: str) -> str:
    """Lower case, diacritics removed: as the index stores words."""
    if text.isascii():  # most text: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words_of(text: str) -> list[str]:
    """The index's words in text: runs of letters and digits, folded."""
    return ascii_words(text) if text.isascii() else WORD.findall(fold(text))


# Every ASCII character that is not a letter or a digit, made a space.
_ASCII_SEPARATORS = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isalnum()})


def ascii_words(text: str) -> list[str]:
    """The words WORD finds in an ASCII text, lower-cased: its separators made spaces and split
    there, four times as fast as the pattern on a page (most of a search's snippets)."""
    return text.lower().translate(_ASCII_SEPARATORS).split()


def parse(text: str) -> Query:
    """Read what was typed into a Query; never fails."""
    query, pending_or, position = Query(), False, 0
    text = text[:2000]
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        excluded = text[position] == "-" and position + 1 < len(text) and not text[position + 1].isspace()
        start = position + 1 if excluded else position
        if found := _FILTER.match(text, position):
            value, position = _value(text, found.end())
            if value:
                query.filters.append(Filter(found.group(2).lower(), value, bool(found.group(1))))
            continue
        if text[start] == '"':
            term, position = _phrase(text, start + 1)
        else:
            end = _word_end(text, start)
            word, position = text[start:end], end
            if word == OR and not excluded:
                pending_or = bool(query.clauses) and not query.clauses[-1].excluded
                continue
            term = _word(word)
        if term is None:
            continue
        if pending_or and not excluded:
            last = query.clauses.pop()
            query.clauses.append(Clause((*last.options, term)))
        else:
            query.clauses.append(Clause((term,), excluded))
        pending_or = False
    return query


def _word_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and not text[end].isspace() and (text[end] != '"' or end == start):
        end += 1
    return end


def _word(word: str) -> Term | None:
    """A bare word: prefix* or fuzzy~ when so marked; punctuation inside makes it a phrase."""
    prefix, fuzzy = word.endswith("*"), word.endswith("~")
    words = tuple(words_of(word))
    if not words:
        return None
    if len(words) > 1:
        return Term(words, prefix=prefix)
    return Term(words, prefix=prefix, fuzzy=fuzzy and not prefix)


def _phrase(text: str, start: int) -> tuple[Term | None, int]:
    """A quoted phrase from start (after its opening quote) to its closing quote or the end; an
    optional ~N after it asks for its words within N words of each other."""
    close = text.find('"', start)
    end = len(text) if close < 0 else close
    inside, position = text[start:end], end + 1
    near = None
    if close >= 0 and (found := _NEAR.match(text, position)):
        near, position = min(int(found.group(1)), NEAR_MAX), found.end()
    words = tuple(words_of(inside))
    if not words:
        return None, position
    prefix = inside.rstrip().endswith("*")
    return Term(words, prefix=prefix and near is None, near=near if len(words) > 1 else None), position


def _value(text: str, start: int) -> tuple[str, int]:
    """A filter's value: quoted, or up to the next space."""
    if start < len(text) and text[start] == '"':
        close = text.find('"', start + 1)
        end = len(text) if close < 0 else close
        return text[start + 1 : end].strip(), end + 1
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end], end
