"""Moving pipeline files between local disk (where ffmpeg works) and the media storage,
which may be the file system or object storage: Django's storage API, streamed, except that
outputs bound for a local storage on the same disk are renamed into place, not copied."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db.models.fields.files import FieldFile

CHUNK = 1024 * 1024
_LOCAL_SAVE = FileSystemStorage._save


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


def tree_store(
    local_dir: Path,
    prefix: str,
    *,
    storage: Storage = default_storage,
    on_file: Callable[[], None] | None = None,
) -> list[str]:
    """Put every file under `local_dir` at `prefix/...` (relative names kept): moved in one
    rename when `storage` is a file system on the same disk, else uploaded; `local_dir` is
    gone or left as it was. Returns the stored names."""
    # Only where saving is the file system's own: a subclass may change what a save does.
    if isinstance(storage, FileSystemStorage) and storage.__class__._save is _LOCAL_SAVE:
        target = Path(storage.path(prefix))
        _folder_make(target.parent, storage)
        if os.stat(local_dir).st_dev == os.stat(target.parent).st_dev:
            return _tree_move(local_dir, target, prefix, storage)
    return tree_upload(local_dir, prefix, storage=storage, on_file=on_file)


def _folder_make(folder: Path, storage: FileSystemStorage) -> None:
    # As FileSystemStorage makes the folders of a file it saves, modes included.
    if storage.directory_permissions_mode is None:
        folder.mkdir(parents=True, exist_ok=True)
        return
    old_umask = os.umask(0o777 & ~storage.directory_permissions_mode)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    finally:
        os.umask(old_umask)


def _tree_move(local_dir: Path, target: Path, prefix: str, storage: FileSystemStorage):
    # rename() would quietly replace an empty folder: a name taken is refused, as in upload.
    if target.exists():
        raise FileExistsError(f"{prefix} already existed in storage")
    files = sorted(p.relative_to(local_dir) for p in local_dir.rglob("*") if p.is_file())
    folders = [p for p in local_dir.rglob("*") if p.is_dir()]
    # The modes storage.save() would give, set before the files can be seen under their URLs.
    if storage.file_permissions_mode is not None:
        for name in files:
            os.chmod(local_dir / name, storage.file_permissions_mode)
    if storage.directory_permissions_mode is not None:
        for folder in [local_dir, *folders]:
            os.chmod(folder, storage.directory_permissions_mode)
    os.rename(local_dir, target)
    return [f"{prefix}/{name.as_posix()}" for name in files]


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
