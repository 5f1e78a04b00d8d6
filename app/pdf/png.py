"""Page images as PNG, written fast: most of a text page's ingest time was MuPDF's PNG encoder.

MuPDF deflates at zlib's default level: 43 ms for a 150 dpi page in colour. Deflated at level 1
the same page takes 17 ms (a file about a tenth larger), and a page with no colour on it (most
released pages: black print on white), written as one grey channel, 8 ms and a third smaller.
"""

import struct
import zlib

import numpy as np
import pymupdf

SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREY, RGB = 0, 2  # PNG colour types
DEFLATE_LEVEL = 1


def png_bytes(pixmap: pymupdf.Pixmap) -> bytes:
    """The pixmap (grey or RGB, no alpha) as a PNG: in grey when every pixel is grey."""
    if pixmap.alpha or pixmap.n not in (1, 3):
        raise ValueError("a page image is grey or RGB, without alpha")
    pixels = np.frombuffer(pixmap.samples_mv, np.uint8).reshape(pixmap.height, pixmap.stride)
    pixels = pixels[:, : pixmap.width * pixmap.n].reshape(pixmap.height, pixmap.width, pixmap.n)
    if pixmap.n == 3 and _all_grey(pixels):
        pixels = pixels[:, :, :1]
    return _encoded(pixels)


def _all_grey(pixels: np.ndarray) -> bool:
    return bool(np.array_equal(pixels[:, :, 0], pixels[:, :, 1]) and np.array_equal(pixels[:, :, 1], pixels[:, :, 2]))


def _encoded(pixels: np.ndarray) -> bytes:
    """A PNG of pixels (height, width, 1 or 3 channels), each row unfiltered (filter byte 0)."""
    height, width, channels = pixels.shape
    rows = np.zeros((height, 1 + width * channels), np.uint8)
    rows[:, 1:] = pixels.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, GREY if channels == 1 else RGB, 0, 0, 0)
    return b"".join(
        [
            SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), DEFLATE_LEVEL)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
