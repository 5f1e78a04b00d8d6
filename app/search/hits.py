"""Where a query's words stand in a page: which words to light on the page image, and a snippet
of the text with its hits marked. Pure: the index says which pages match; this says where."""

from bisect import bisect_left
from collections.abc import Collection
from html import escape
from itertools import islice

from app.search.query import WORD, Term, ascii_words, fold, words_of

SNIPPET_TOKENS = 30  # words shown in a snippet
ELLIPSIS = "…"


def lit_tokens(tokens: list[str], terms: list[Term], fuzzy_words: dict[str, Collection[str]]) -> set[int]:
    """Indexes of the (folded) tokens that are part of a hit of any term: a word, a phrase in
    order, words within `near` of each other, or a fuzzy word's words of the index."""
    lit: set[int] = set()
    for term in terms:
        if term.near is not None:
            lit |= _near(tokens, term)
        else:
            lit |= _sequence(tokens, term, fuzzy_words.get(term.words[0], ()))
    return lit


def _matches(token: str, word: str, prefix: bool, alternatives: Collection[str] = ()) -> bool:
    return token == word or (prefix and token.startswith(word)) or token in alternatives


def _sequence(tokens: list[str], term: Term, alternatives: Collection[str]) -> set[int]:
    """Tokens of each place where the term's words stand in order (the last may be a prefix)."""
    size, first = len(term.words), term.words[0]
    lone = size == 1
    if lone and not alternatives:  # the usual cases, kept fast
        if term.prefix:
            return {i for i, token in enumerate(tokens) if token.startswith(first)}
        return {i for i, token in enumerate(tokens) if token == first}
    starts = [
        i
        for i, token in enumerate(tokens[: len(tokens) - size + 1])
        if _matches(token, first, term.prefix and lone, alternatives if lone else ())
    ]
    lit = set()
    for start in starts:
        rest = enumerate(term.words[1:], 1)
        if all(_matches(tokens[start + i], word, term.prefix and i == size - 1) for i, word in rest):
            lit.update(range(start, start + size))
    return lit


def _near(tokens: list[str], term: Term) -> set[int]:
    """Each word of the term that has every other word within near + 1 tokens of it."""
    places = {word: [i for i, token in enumerate(tokens) if token == word] for word in term.words}
    lit = set()
    for word, positions in places.items():
        for position in positions:
            others = [w for w in term.words if w != word]
            if all(any(abs(p - position) <= term.near + 1 for p in places[other]) for other in others):
                lit.add(position)
    return lit


def snippet(text: str, terms: list[Term], fuzzy_words: dict[str, Collection[str]]) -> str:
    """About SNIPPET_TOKENS words of text around its densest hits, HTML-escaped, hits in <mark>.
    Only the words shown are cut out with their places: a page's words are matched as strings."""
    folded = _folded_words(text)
    if not folded:
        return ""
    lit = lit_tokens(folded, terms, fuzzy_words)
    first = _densest_window(lit, len(folded))
    last = min(len(folded), first + SNIPPET_TOKENS) - 1
    shown = list(islice(WORD.finditer(text), first, last + 1))
    whole_start, whole_end = first == 0, last == len(folded) - 1
    cursor = 0 if whole_start else shown[0].start()
    pieces = ["" if whole_start else ELLIPSIS]
    for index, token in enumerate(shown, first):
        if index in lit:
            pieces.append(f"{escape(text[cursor : token.start()])}<mark>{escape(token.group())}</mark>")
            cursor = token.end()
    pieces.append(escape(text[cursor:]) if whole_end else escape(text[cursor : shown[-1].end()]) + ELLIPSIS)
    return " ".join("".join(pieces).split())


def _folded_words(text: str) -> list[str]:
    """The index's words of a text, folded, in order, each where WORD finds it in the text itself
    (folding a whole text that is not ASCII could join or split words)."""
    if text.isascii():
        return ascii_words(text)
    return [fold(word) for word in WORD.findall(text)]


def _densest_window(lit: set[int], count: int) -> int:
    """The first token of the window of SNIPPET_TOKENS tokens holding the most lit tokens,
    starting a few words before its first hit."""
    if not lit:
        return 0
    ordered = sorted(lit)
    best, best_count = 0, -1
    for position, first_hit in enumerate(ordered):
        start = max(0, first_hit - 5)
        inside = bisect_left(ordered, start + SNIPPET_TOKENS) - position
        if inside > best_count:
            best, best_count = start, inside
    return min(best, max(0, count - SNIPPET_TOKENS))


def lit_word_indexes(words: list[dict], terms: list[Term], fuzzy_words: dict[str, Collection[str]]) -> list[int]:
    """Indexes of a page's stored words (PDF words, "OPS-306," one of them) holding a hit."""
    tokens, owners = [], []
    for index, word in enumerate(words):
        for token in words_of(word["text"]):
            tokens.append(token)
            owners.append(index)
    return sorted({owners[i] for i in lit_tokens(tokens, terms, fuzzy_words)})
