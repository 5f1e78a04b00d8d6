"""Where files live under UPLOAD_FOLDER; paths are built from hashes and integers only."""

import shutil
from pathlib import Path


def originals_dir(upload_folder: str) -> Path:
    """Folder of uploaded originals, each named by its SHA-256."""
    return Path(upload_folder) / "originals"


def original_path(upload_folder: str, sha256: str) -> Path:
    """Path of the original with this SHA-256."""
    return originals_dir(upload_folder) / f"{sha256}.pdf"


def incoming_dir(upload_folder: str) -> Path:
    """Folder of uploads being written; whatever is left there after a crash is removed at start-up."""
    return Path(upload_folder) / "incoming"


def page_images_dir(upload_folder: str, document_id: int) -> Path:
    """Folder of one document's rendered page images."""
    return Path(upload_folder) / "pages" / str(int(document_id))


def page_image_path(upload_folder: str, document_id: int, number: int, thumb: bool) -> Path:
    """Path of a page image: the reading size or the thumbnail."""
    name = f"{int(number)}-thumb.png" if thumb else f"{int(number)}.png"
    return page_images_dir(upload_folder, document_id) / name


def remove_page_images(upload_folder: str, document_id: int) -> None:
    """Delete a document's rendered page images."""
    shutil.rmtree(page_images_dir(upload_folder, document_id), ignore_errors=True)


def remove_leftovers(upload_folder: str, known_sha256: set[str], known_documents: set[int]) -> list[Path]:
    """Delete interrupted uploads, originals no document refers to and images of deleted documents."""
    removed = []
    incoming = incoming_dir(upload_folder)
    candidates = list(incoming.glob("*")) if incoming.exists() else []
    originals = originals_dir(upload_folder)
    if originals.exists():
        candidates += [p for p in originals.iterdir() if p.stem not in known_sha256]
    pages = Path(upload_folder) / "pages"
    if pages.exists():
        candidates += [p for p in pages.iterdir() if not (p.name.isdigit() and int(p.name) in known_documents)]
        candidates += list(pages.glob("*/*.tmp"))
    for path in candidates:
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path)
    return removed
