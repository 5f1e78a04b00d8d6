"""Tesseract read in this process through its C API (libtesseract, which Debian's tesseract-ocr
installs), its language model loaded once per process instead of once per page.

Running the `tesseract` command for each page cost 0.11 s of starting up and loading the model,
and the page image written to a file and read back; a page takes 0.5 to 2.5 s in all
(bench/ocr.py). Only the pixel buffer of a PyMuPDF pixmap crosses over, without a copy.
"""

import atexit
import ctypes
import os
import threading

from app.pdf import PdfRefused

LIBRARY = "libtesseract.so.5"
# Tesseract's own OpenMP threads cost four times the processor for the same reading on two cores
# (FACTS.md): every Tesseract runs single-threaded, and pages are read in parallel by the
# parsing processes instead. OpenMP reads this from the environment when the library loads.
SINGLE_THREADED = {"OMP_THREAD_LIMIT": "1"}
# What the C API leaves out of the TSV it gives: the header the command line prints.
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
_local = threading.local()  # a reader per thread: one Tesseract API is not to be shared
_library: ctypes.CDLL | None = None
_VOID, _TEXT, _INT = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
_SIGNATURES = {
    "TessBaseAPICreate": ([], _VOID),
    "TessBaseAPIInit3": ([_VOID, _TEXT, _TEXT], _INT),
    "TessBaseAPISetVariable": ([_VOID, _TEXT, _TEXT], _INT),
    "TessBaseAPISetPageSegMode": ([_VOID, _INT], None),
    "TessBaseAPISetImage": ([_VOID, _VOID, _INT, _INT, _INT, _INT], None),
    "TessBaseAPISetSourceResolution": ([_VOID, _INT], None),
    "TessBaseAPIRecognize": ([_VOID, _VOID], _INT),
    "TessBaseAPIGetTsvText": ([_VOID, _INT], _VOID),
    "TessDeleteText": ([_VOID], None),
    "TessBaseAPIClear": ([_VOID], None),
    "TessBaseAPIEnd": ([_VOID], None),
    "TessBaseAPIDelete": ([_VOID], None),
}


class Reader:
    """One Tesseract API, initialised for some languages, reading one image at a time."""

    def __init__(self, languages: str):
        self.library = _loaded()
        self.handle = self.library.TessBaseAPICreate()
        if self.library.TessBaseAPIInit3(self.handle, None, languages.encode()) != 0:
            self.library.TessBaseAPIDelete(self.handle)
            raise PdfRefused(f"OCR is not available on this server: Tesseract has no language data for “{languages}”.")
        self.library.TessBaseAPISetVariable(self.handle, b"debug_file", os.devnull.encode())
        self.languages = languages
        atexit.register(self.end)

    def read_tsv(self, image, dpi: int, layout: int, variables: dict[str, str] | None = None) -> str:
        """Tesseract's TSV (with the command line's header) for a PyMuPDF pixmap of dpi, read with
        page segmentation mode layout and the given variables (reset afterwards)."""
        api, library = self.handle, self.library
        for name, value in (variables or {}).items():
            library.TessBaseAPISetVariable(api, name.encode(), value.encode())
        try:
            library.TessBaseAPISetPageSegMode(api, layout)
            library.TessBaseAPISetImage(api, image.samples_ptr, image.width, image.height, image.n, image.stride)
            library.TessBaseAPISetSourceResolution(api, dpi)
            if library.TessBaseAPIRecognize(api, None) != 0:
                raise PdfRefused("OCR failed on a page (Tesseract could not read its image).")
            return TSV_HEADER + self._taken_text(library.TessBaseAPIGetTsvText(api, 0))
        finally:
            library.TessBaseAPIClear(api)
            for name in variables or {}:
                library.TessBaseAPISetVariable(api, name.encode(), b"")

    def _taken_text(self, pointer: int | None) -> str:
        """The text at a pointer Tesseract gave, freed."""
        if not pointer:
            return ""
        try:
            return ctypes.string_at(pointer).decode("utf-8", errors="replace")
        finally:
            self.library.TessDeleteText(pointer)

    def end(self) -> None:
        if self.handle:
            self.library.TessBaseAPIEnd(self.handle)
            self.library.TessBaseAPIDelete(self.handle)
            self.handle = None


def reader(languages: str) -> Reader:
    """This thread's reader for languages, made on first use (and again in a forked child: an API
    made before the fork belongs to the parent)."""
    kept, ours = getattr(_local, "reader", None), getattr(_local, "pid", None) == os.getpid()
    if kept is not None and ours and kept.languages == languages:
        return kept
    if kept is not None and ours:
        kept.end()
    _local.reader = None  # not the ended one, should the new one be refused
    _local.reader, _local.pid = Reader(languages), os.getpid()
    return _local.reader


def _loaded() -> ctypes.CDLL:
    """libtesseract, loaded once, single-threaded (SINGLE_THREADED)."""
    global _library
    if _library is None:
        os.environ.update(SINGLE_THREADED)
        try:
            library = ctypes.CDLL(LIBRARY)
        except OSError as error:
            raise PdfRefused("OCR is not available on this server: Tesseract is not installed.") from error
        for name, (arguments, result) in _SIGNATURES.items():
            function = getattr(library, name)
            function.argtypes, function.restype = arguments, result
        _library = library
    return _library
