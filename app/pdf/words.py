"""Words to page text: one joining rule, so word offsets into the text are derivable."""

Word = tuple[str, float, float, float, float]


def join_words(rows: list[tuple[str, int, int]]) -> str:
    """Join (text, block, line) rows: a space within a line, newline between lines, blank line between blocks."""
    parts: list[str] = []
    previous = None
    for text, block, line in rows:
        if previous is not None:
            if block != previous[0]:
                parts.append("\n\n")
            elif line != previous[1]:
                parts.append("\n")
            else:
                parts.append(" ")
        parts.append(text)
        previous = (block, line)
    return "".join(parts)


def rounded_box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    """Round a box to hundredths of a point, enough for display and small to store."""
    return round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)
