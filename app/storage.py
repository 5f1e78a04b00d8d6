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


def import_path(upload_folder: str, job_id: int) -> Path:
    """Where a large import's JSON-LD waits for the worker."""
    return Path(upload_folder) / "imports" / f"{int(job_id)}.json"


def remove_page_images(upload_folder: str, document_id: int) -> None:
    """Delete a document's rendered page images."""
    shutil.rmtree(page_images_dir(upload_folder, document_id), ignore_errors=True)


def remove_leftovers(
    upload_folder: str, known_sha256: set[str], known_documents: set[int], waiting_imports: set[int] = frozenset()
) -> list[Path]:
    """Delete interrupted uploads, originals no document refers to, images of deleted documents and
    the files of imports that no longer wait for the worker."""
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
    imports = Path(upload_folder) / "imports"
    if imports.exists():
        candidates += [p for p in imports.iterdir() if not (p.stem.isdigit() and int(p.stem) in waiting_imports)]
    for path in candidates:
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path)
    return removed
