"""Moving pipeline files between local disk (where ffmpeg works) and the media storage,
which may be the file system or object storage: only Django's storage API, streamed."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile

CHUNK = 1024 * 1024


@contextlib.contextmanager
def local_path(field_file: FieldFile, work_dir: Path) -> Iterator[Path]:
    """The file on local disk: its own path when stored there, else a streamed copy."""
    try:
        yield Path(field_file.path)
        return
    except NotImplementedError:
        pass
    target = work_dir / ("source" + Path(field_file.name).suffix)
    with field_file.storage.open(field_file.name, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy, CHUNK)
    yield target


def tree_upload(
    local_dir: Path,
    prefix: str,
    *,
    storage: Storage = default_storage,
    on_file: Callable[[], None] | None = None,
) -> list[str]:
    """Copy every file under `local_dir` to `prefix/...` keeping relative names (playlists
    refer to their segments by them); returns the stored names."""
    stored = []
    for path in sorted(p for p in local_dir.rglob("*") if p.is_file()):
        name = f"{prefix}/{path.relative_to(local_dir).as_posix()}"
        with path.open("rb") as content:
            saved = storage.save(name, File(content, name=path.name))
        stored.append(saved)
        if saved != name:
            tree_delete(prefix, storage=storage)
            raise FileExistsError(f"{name} already existed in storage; got {saved}")
        if on_file:
            on_file()
    return stored


def tree_delete(prefix: str, *, storage: Storage = default_storage) -> None:
    """Delete everything stored under `prefix` (and, on a file system, its folders)."""
    if not prefix:
        return
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{prefix}/{name}")
    for folder in folders:
        tree_delete(f"{prefix}/{folder}", storage=storage)
    with contextlib.suppress(NotImplementedError, OSError):
        Path(storage.path(prefix)).rmdir()
