"""Annotations written into a copy of the original PDF, and a PNG clip of one passage.

Rectangles come in PDF points on the unrotated page, as stored."""

from dataclasses import dataclass
from pathlib import Path

import pymupdf

from app.pdf.extract import open_pdf

CLIP_ZOOM = 2  # the clip is drawn at 2x (144 dpi)
CLIP_MARGIN = 18  # points of context around the passage
CAPTION_HEIGHT = 22  # points, at 1x
CAPTION_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # has te reo Māori's macrons
HIGHLIGHT_OPACITY = 0.35


@dataclass
class Mark:
    """One annotation to draw: its page, rectangles, kind, colour (#rrggbb) and the text it carries."""

    page: int
    kind: str
    rects: list[list[float]]
    colour: str
    content: str
    author: str
    rotation: int | None = None  # the page's rotation as shown, when it differs from the PDF's own


def annotated_pdf(original: str | Path, marks: list[Mark]) -> bytes:
    """The original with a highlight per text excerpt and a square per region, JavaScript and
    embedded files left out."""
    doc = open_pdf(original)
    _strip_active_content(doc)
    for mark in marks:
        page = doc[mark.page - 1]
        rects = [pymupdf.Rect(r) * page.rotation_matrix for r in _lines(mark.rects)]
        if mark.kind == "text":
            drawn = [page.add_highlight_annot(quads=[r.quad for r in rects])]
        else:
            drawn = [page.add_rect_annot(rect) for rect in rects]  # a region in parts: a square each
        for annotation in drawn:
            annotation.set_colors(stroke=_rgb(mark.colour))
            annotation.set_info(content=mark.content, title=mark.author)
            annotation.update()
    return doc.tobytes(garbage=3, deflate=True)


def _lines(rects: list[list[float]]) -> list[list[float]]:
    """Word rectangles joined into one per line: a highlight is then a few quads, not one per word."""
    lines: list[list[float]] = []
    for x0, y0, x1, y1 in rects:
        last = lines[-1] if lines else None
        if last and abs(last[1] - y0) < 2 and abs(last[3] - y1) < 2 and x0 >= last[0]:
            last[1], last[2], last[3] = min(last[1], y0), max(last[2], x1), max(last[3], y1)
        else:
            lines.append([x0, y0, x1, y1])
    return lines


# Actions that only move the reader; every other kind (JavaScript, Launch, SubmitForm, ImportData,
# GoToE into an embedded file, Rendition, ...) is dropped from the export.
SAFE_ACTIONS = {"/GoTo", "/URI", "/Named"}
# Action objects of these kinds are emptied wherever they are referenced from (an /S of another
# kind, in an object that is not an action, such as a structure element, is left alone).
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/Rendition", "/RichMediaExecute"}
ACTIVE_KEYS = ("AA", "OpenAction", "JavaScript", "EmbeddedFiles", "Names/JavaScript", "Names/EmbeddedFiles", "JS")


def _strip_active_content(doc: pymupdf.Document) -> None:
    """Leave out JavaScript (document, page, field and link actions, inline or not), actions that
    launch or submit, embedded files and file attachments. A key set to null is absent in PDF."""
    for page in doc:
        for annotation in list(page.annots(types=[pymupdf.PDF_ANNOT_FILE_ATTACHMENT])):
            page.delete_annot(annotation)
    for name in doc.embfile_names():
        doc.embfile_del(name)
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "S")[1] in ACTIVE_ACTIONS:
            doc.update_object(xref, "<<>>")  # an action object that does nothing
            continue
        for key in ACTIVE_KEYS:
            if doc.xref_get_key(xref, key)[0] != "null":
                doc.xref_set_key(xref, key, "null")
        if doc.xref_get_key(xref, "A")[0] == "dict":
            _strip_inline_action(doc, xref)


def _strip_inline_action(doc: pymupdf.Document, xref: int) -> None:
    """Drop an inline /A action that is not safe, and any action chained after one that is."""
    if doc.xref_get_key(xref, "A/S")[1] not in SAFE_ACTIONS:
        doc.xref_set_key(xref, "A", "null")
    elif doc.xref_get_key(xref, "A/Next")[0] != "null":
        doc.xref_set_key(xref, "A/Next", "null")


def clip_png(original: str | Path, mark: Mark, caption: str) -> bytes:
    """A 2x crop of the page around a passage, the passage highlighted, a one-line caption below."""
    doc = open_pdf(original)
    page = doc[mark.page - 1]
    if mark.rotation is not None and mark.rotation != page.rotation:
        page.set_rotation(mark.rotation)  # a scan fed in sideways is shown turned; the file is not saved
    rects = [pymupdf.Rect(r) * page.rotation_matrix for r in _lines(mark.rects)]
    area = pymupdf.Rect(rects[0])
    for rect in rects[1:]:
        area |= rect
    area = (area + (-CLIP_MARGIN, -CLIP_MARGIN, CLIP_MARGIN, CLIP_MARGIN)) & page.rect
    shot = page.get_pixmap(matrix=pymupdf.Matrix(CLIP_ZOOM, CLIP_ZOOM), clip=area, alpha=False)
    sheet = pymupdf.open()
    canvas = sheet.new_page(width=area.width, height=area.height + CAPTION_HEIGHT)
    canvas.insert_image(pymupdf.Rect(0, 0, area.width, area.height), pixmap=shot)
    colour = _rgb(mark.colour)
    for rect in rects:
        placed = rect - (area.x0, area.y0, area.x0, area.y0)
        if mark.kind == "text":
            canvas.draw_rect(placed, color=None, fill=colour, fill_opacity=HIGHLIGHT_OPACITY)
        else:
            canvas.draw_rect(placed, color=colour, width=1.5)
    line = pymupdf.Rect(4, area.height + 4, area.width - 4, area.height + CAPTION_HEIGHT)
    canvas.insert_textbox(line, _fit(caption, area.width), fontsize=9, fontname="dejavu", fontfile=CAPTION_FONT)
    return canvas.get_pixmap(matrix=pymupdf.Matrix(CLIP_ZOOM, CLIP_ZOOM), alpha=False).tobytes("png")


def _fit(caption: str, width: float) -> str:
    """The caption cut to one line of the clip's width."""
    font = pymupdf.Font(fontfile=CAPTION_FONT)
    if font.text_length(caption, fontsize=9) <= width - 8:
        return caption
    while caption and font.text_length(caption + "…", fontsize=9) > width - 8:
        caption = caption[:-1]
    return caption + "…"


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
