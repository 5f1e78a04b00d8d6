"""Where files live: the upload folder (the default) or an S3-compatible object store
(STORAGE_URL=s3://bucket/prefix; endpoint and credentials from the usual AWS variables), behind
one small interface, Files. Originals, page images and queued imports are stored by key; keys are
built from hashes and integers only.

Uploads are staged in the local folder either way (incoming/), and PyMuPDF reads a local file:
with an object store, a worker copies an original into scratch/ for as long as it reads it, and
its parsing processes draw page images there before they are put in the store.
"""

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from app.db import whole_number

ORIGINALS, PAGES, IMPORTS = "originals/", "pages/", "imports/"
# Files younger than this are never taken for leftovers: an upload is staged, stored and only then
# given its document row, so a running app has files no row refers to yet (a second `make run`
# started beside a running one cleans up too).
LEFTOVER_GRACE_SECONDS = 3600


def original_key(sha256: str) -> str:
    """The key of the original with this SHA-256."""
    return f"{ORIGINALS}{sha256}.pdf"


def page_image_key(document_id: int, number: int, thumb: bool) -> str:
    """The key of a page image: the reading size or the thumbnail."""
    name = f"{int(number)}-thumb.png" if thumb else f"{int(number)}.png"
    return f"{page_images_prefix(document_id)}{name}"


def page_images_prefix(document_id: int) -> str:
    """The keys of one document's page images begin with this."""
    return f"{PAGES}{int(document_id)}/"


def import_key(job_id: int) -> str:
    """Where a large import's JSON-LD waits for the worker."""
    return f"{IMPORTS}{int(job_id)}.json"


def incoming_dir(upload_folder: str) -> Path:
    """Folder of uploads being written; whatever is left there after a crash is removed at start-up."""
    return Path(upload_folder) / "incoming"


# The local layout (LocalFiles): the folder itself holds every key.
def original_path(upload_folder: str, sha256: str) -> Path:
    return Path(upload_folder) / original_key(sha256)


def page_images_dir(upload_folder: str, document_id: int) -> Path:
    return Path(upload_folder) / page_images_prefix(document_id)


def page_image_path(upload_folder: str, document_id: int, number: int, thumb: bool) -> Path:
    return Path(upload_folder) / page_image_key(document_id, number, thumb)


class Files:
    """Files by key. `folder` is the local upload folder; `drawing_root` the local folder a
    parsing process writes a key's file under (drawn(key) is its path) before put_drawn(key)
    stores it."""

    folder: Path
    drawing_root: Path

    def put(self, key: str, source: Path) -> None:
        """Store a local file under key; the source is gone afterwards."""
        raise NotImplementedError

    def put_bytes(self, key: str, data: bytes) -> None:
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def read(self, key: str) -> tuple[bytes, str] | None:
        """The file's bytes and a tag that changes when they do; None if there is no such file."""
        raise NotImplementedError

    def local_path(self, key: str) -> Path | None:
        """The file's own path, when it is a local file that exists (served as it stands)."""
        return None

    @contextmanager
    def local(self, key: str) -> Iterator[Path]:
        """The file as a local path, for as long as the block runs."""
        raise NotImplementedError
        yield

    def drawn(self, key: str) -> Path:
        return self.drawing_root / key

    def put_drawn(self, key: str) -> None:
        """Store what a parsing process drew at drawn(key), if it drew it."""

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def delete_under(self, prefix: str) -> None:
        raise NotImplementedError

    def keys_under(self, prefix: str, written_before: float | None = None) -> list[str]:
        """The keys under prefix, sorted; with written_before (a time.time() value), only those
        last written before then."""
        raise NotImplementedError


class LocalFiles(Files):
    """The upload folder: a key is a path under it, and parsing processes draw in place."""

    def __init__(self, upload_folder: str):
        self.folder = self.drawing_root = Path(upload_folder)

    def _path(self, key: str) -> Path:
        return self.folder / key

    def put(self, key: str, source: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)

    def put_bytes(self, key: str, data: bytes) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def read(self, key: str) -> tuple[bytes, str] | None:
        path = self._path(key)
        if not path.is_file():
            return None
        stat = path.stat()
        return path.read_bytes(), f"{stat.st_mtime_ns}-{stat.st_size}"

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    @contextmanager
    def local(self, key: str) -> Iterator[Path]:
        yield self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_under(self, prefix: str) -> None:
        shutil.rmtree(self._path(prefix), ignore_errors=True)

    def keys_under(self, prefix: str, written_before: float | None = None) -> list[str]:
        root = self._path(prefix)
        if not root.is_dir():
            return []
        paths = [path for path in root.rglob("*") if path.is_file()]
        if written_before is not None:
            paths = [path for path in paths if _modified(path) < written_before]
        return sorted(str(path.relative_to(self.folder)) for path in paths)


class S3Files(Files):
    """An S3-compatible object store: s3://bucket/prefix. The AWS variables (AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION) say where and who."""

    def __init__(self, url: str, upload_folder: str):
        import boto3  # only a deployment with an object store needs it loaded

        parsed = urlparse(url)
        self.bucket, self.prefix = parsed.netloc, parsed.path.strip("/")
        self.folder = Path(upload_folder)
        self.drawing_root = self.folder / "scratch"
        self.client = boto3.client("s3")

    def _name(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self._name(key))
        Path(source).unlink(missing_ok=True)

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def exists(self, key: str) -> bool:
        return bool(self.client.list_objects_v2(Bucket=self.bucket, Prefix=self._name(key), MaxKeys=1).get("KeyCount"))

    def read(self, key: str) -> tuple[bytes, str] | None:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey:
            return None
        return found["Body"].read(), found["ETag"].strip('"')

    @contextmanager
    def local(self, key: str) -> Iterator[Path]:
        scratch = self.drawing_root
        scratch.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=scratch, suffix=Path(key).suffix)
        path = Path(name)
        try:
            with open(fd, "wb") as out:
                self.client.download_fileobj(self.bucket, self._name(key), out)
            yield path
        finally:
            path.unlink(missing_ok=True)

    def put_drawn(self, key: str) -> None:
        drawn = self.drawn(key)
        if drawn.is_file():
            self.put(key, drawn)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def delete_under(self, prefix: str) -> None:
        names = [self._name(key) for key in self.keys_under(prefix)]
        for first in range(0, len(names), 1000):  # at most 1,000 a request
            objects = [{"Key": name} for name in names[first : first + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})

    def keys_under(self, prefix: str, written_before: float | None = None) -> list[str]:
        keys, skip = [], len(self._name(""))
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._name(prefix))
        for listed in pages:
            found = listed.get("Contents", [])
            if written_before is not None:
                found = [item for item in found if item["LastModified"].timestamp() < written_before]
            keys += [item["Key"][skip:] for item in found]
        return sorted(keys)


_made: dict[tuple, Files] = {}


def files(settings) -> Files:
    """The files of these settings: the object store of STORAGE_URL, or the upload folder."""
    where = (settings.get("STORAGE_URL"), settings["UPLOAD_FOLDER"])
    if where not in _made:
        _made[where] = S3Files(*where) if where[0] else LocalFiles(where[1])
    return _made[where]


def remove_leftovers(
    files: Files,
    known_sha256: set[str],
    known_documents: set[int],
    waiting_imports: set[int] = frozenset(),
    grace_seconds: float = LEFTOVER_GRACE_SECONDS,
) -> list[str]:
    """Delete interrupted uploads, originals no document refers to, images of deleted documents and
    half-drawn ones, and the files of imports that no longer wait for the worker; what was removed.
    Nothing written in the last grace_seconds is touched: it may be an upload or a drawing under
    way in a running app (whose document row is not yet committed)."""
    written_before = time.time() - grace_seconds
    removed = []
    for staged in (incoming_dir(str(files.folder)), files.folder / "scratch"):
        for path in sorted(staged.iterdir()) if staged.exists() else []:
            if _modified(path) < written_before:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
                removed.append(str(path))
    for key in files.keys_under(ORIGINALS, written_before):
        if Path(key).stem not in known_sha256:
            files.delete(key)
            removed.append(key)
    for key in files.keys_under(PAGES, written_before):
        document = key.removeprefix(PAGES).split("/")[0]
        if whole_number(document) not in known_documents or key.endswith(".tmp"):
            files.delete(key)
            removed.append(key)
    for key in files.keys_under(IMPORTS, written_before):
        if whole_number(Path(key).stem) not in waiting_imports:
            files.delete(key)
            removed.append(key)
    return removed


def _modified(path: Path) -> float:
    """When a file or folder was last written (0 when it is gone meanwhile)."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
