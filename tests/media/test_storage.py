"""media/storage.py: outputs renamed into a local storage on the same disk, uploaded otherwise."""

import os
import shutil
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

from media.storage import tree_delete, tree_store

# Another file system than the one tmp_path is on (a tmpfs on Linux): outputs cannot be renamed
# across it, so they must be copied.
OTHER_DISK = Path("/dev/shm")


def outputs_make(folder: Path) -> dict[str, bytes]:
    """A transcoder's outputs in miniature: nested folders, playlists and segments."""
    files = {
        "hls/master.m3u8": b"#EXTM3U\n",
        "hls/360p/index.m3u8": b"#EXTM3U\nseg_000.ts\n",
        "hls/360p/seg_000.ts": os.urandom(4096),
        "video.mp4": os.urandom(8192),
        "poster.jpg": os.urandom(512),
    }
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return files


def test_outputs_on_the_same_disk_are_moved_not_copied(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    out = tmp_path / "work" / "out"
    files = outputs_make(out)
    inodes = {name: (out / name).stat().st_ino for name in files}

    stored = tree_store(out, "media/renditions/7/abc", storage=storage)

    assert sorted(stored) == sorted(f"media/renditions/7/abc/{name}" for name in files)
    assert not out.exists()
    for name, content in files.items():
        path = Path(storage.path(f"media/renditions/7/abc/{name}"))
        # The same inode: renamed, not a byte copied.
        assert path.stat().st_ino == inodes[name]
        assert path.read_bytes() == content


def test_moved_outputs_get_the_modes_the_storage_gives_saved_files(tmp_path):
    storage = FileSystemStorage(
        location=tmp_path / "media", file_permissions_mode=0o640, directory_permissions_mode=0o750
    )
    out = tmp_path / "work" / "out"
    files = outputs_make(out)
    for path in out.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)

    tree_store(out, "media/renditions/7/abc", storage=storage)

    root = Path(storage.path("media/renditions/7/abc"))
    for name in files:
        assert stat.S_IMODE((root / name).stat().st_mode) == 0o640
    for folder in (root, root / "hls", root / "hls/360p", Path(storage.path("media/renditions"))):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750


def test_a_prefix_already_taken_is_refused_and_the_outputs_stay(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    # Empty: rename() alone would replace it without a word.
    Path(storage.path("media/renditions/7/abc")).mkdir(parents=True)
    out = tmp_path / "work" / "out"
    files = outputs_make(out)

    with pytest.raises(FileExistsError):
        tree_store(out, "media/renditions/7/abc", storage=storage)

    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(files)


def test_outputs_on_another_disk_are_copied_through_the_storage(tmp_path):
    out = OTHER_DISK / f"yufang-{os.getpid()}-out"
    assert out.parent.stat().st_dev != tmp_path.stat().st_dev, "needs a second file system"
    storage = FileSystemStorage(location=tmp_path / "media")
    try:
        files = outputs_make(out)

        stored = tree_store(out, "media/renditions/7/abc", storage=storage)

        assert sorted(stored) == sorted(f"media/renditions/7/abc/{name}" for name in files)
        for name, content in files.items():
            assert storage.open(f"media/renditions/7/abc/{name}").read() == content
    finally:
        shutil.rmtree(out, ignore_errors=True)
    tree_delete("media/renditions/7/abc", storage=storage)
    assert not storage.exists("media/renditions/7/abc")


class SealedStorage(FileSystemStorage):
    """A local storage whose save does more than write the file (as encryption would)."""

    def _save(self, name, content):
        content = ContentFile(b"sealed:" + content.read())
        return super()._save(name, content)


def test_a_local_storage_with_its_own_save_gets_every_file_through_it(tmp_path):
    storage = SealedStorage(location=tmp_path / "media")
    out = tmp_path / "work" / "out"
    files = outputs_make(out)

    tree_store(out, "media/renditions/7/abc", storage=storage)

    for name, content in files.items():
        assert storage.open(f"media/renditions/7/abc/{name}").read() == b"sealed:" + content


def test_the_default_storage_of_the_settings_is_moved_into(tmp_path):
    out = tmp_path / "work" / "out"
    files = outputs_make(out)
    inode = (out / "video.mp4").stat().st_ino

    tree_store(out, "media/renditions/7/abc", storage=default_storage)

    assert Path(default_storage.path("media/renditions/7/abc/video.mp4")).stat().st_ino == inode
    assert sorted(files) == sorted(
        p.relative_to(default_storage.path("media/renditions/7/abc")).as_posix()
        for p in Path(default_storage.path("media/renditions/7/abc")).rglob("*")
        if p.is_file()
    )
