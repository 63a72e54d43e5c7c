"""The private store for files holding personal data: encrypted, randomly named, never served.

`EncryptedStorage` wraps any Django storage (the local folder by default, an S3 private
bucket by configuration) and keeps only ciphertext in it. No URL serves these files, and
X-Accel-Redirect (nginx) cannot either, since nginx would hand out ciphertext: the
authorising views in `coverage.private_files.views` stream the decrypted bytes themselves.

File format (envelope encryption):
    b"YFE1" | key length (2 bytes) | Fernet token of a fresh 32-byte data key | chunks
Each chunk is AES-256-GCM over up to CHUNK bytes with nonce = chunk number (11 bytes) +
last-chunk flag (1 byte); every file ends with a short (possibly empty) last chunk, so a
truncated or reordered file fails to decrypt. Why not Fernet over the whole file, as for
single values (coverage.pii)? Fernet needs the whole file in memory to check its MAC before
giving back a byte and costs a base64 third more; GCM chunks stream in both directions at
memory speed. The data key is wrapped by the PII keys' MultiFernet, so key rotation works as
for values: the newest key wraps, every listed key unwraps.
"""

import io
import posixpath
import struct
import tempfile
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.utils.module_loading import import_string

from coverage.pii import pii_decrypt_bytes, pii_encrypt_bytes

MAGIC = b"YFE1"
CHUNK = 64 * 1024
TAG = 16
SPOOL_BYTES = 8 * 1024 * 1024


def private_storage() -> Storage:
    """The FileFields' `storage=`: a function, so migrations name it instead of a path."""
    return storages["private"]


def _nonce(number: int, *, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class DecryptedReader(io.RawIOBase):
    """The plaintext of an encrypted file, decrypted one chunk at a time as it is read."""

    def __init__(self, inner: File):
        self.inner = inner
        self._start()

    def _start(self) -> None:
        self.inner.seek(0)
        head = self.inner.read(len(MAGIC) + 2)
        if len(head) != len(MAGIC) + 2 or not head.startswith(MAGIC):
            raise ValueError("not an encrypted private file")
        (key_length,) = struct.unpack(">H", head[len(MAGIC) :])
        self.aead = AESGCM(pii_decrypt_bytes(self.inner.read(key_length)))
        self.number = 0
        self.buffer = b""
        self.done = False

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        # Only back to the start (readers such as the roster reader rewind before reading).
        if (offset, whence) != (0, io.SEEK_SET):
            raise io.UnsupportedOperation("an encrypted file is read from its start only")
        self._start()
        return 0

    def read(self, size: int = -1) -> bytes:
        # A raw stream may return less than asked; readers of files (the roster reader's
        # `read(limit + 1)`, zip, pandas) take a short read for the end of the file.
        if size is None or size < 0:
            return self.readall()
        parts = []
        while size > 0 and (part := super().read(size)):
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def readinto(self, target) -> int:
        while not self.buffer and not self.done:
            block = self.inner.read(CHUNK + TAG)
            last = len(block) < CHUNK + TAG
            self.buffer = self.aead.decrypt(_nonce(self.number, last=last), block, None)
            self.number += 1
            self.done = last
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size

    def close(self) -> None:
        self.inner.close()
        super().close()


class DecryptedFile(File):
    """A private file's plaintext; reopened from the store (FieldFile.open reopens it)."""

    def __init__(self, inner: Storage, name: str):
        self.inner_storage = inner
        super().__init__(DecryptedReader(inner.open(name, "rb")), name=name)

    def open(self, mode: str | None = None, *args, **kwargs) -> "DecryptedFile":
        if self.closed:
            self.file = DecryptedReader(self.inner_storage.open(self.name, "rb"))
        else:
            self.seek(0)
        return self


def encrypt_to(target, chunks) -> None:
    """Write the encrypted form of the byte chunks to the binary file `target`."""
    key = AESGCM.generate_key(bit_length=256)
    wrapped = pii_encrypt_bytes(key)
    target.write(MAGIC + struct.pack(">H", len(wrapped)) + wrapped)
    aead = AESGCM(key)
    number, pending = 0, b""
    for chunk in chunks:
        pending += chunk
        while len(pending) > CHUNK:  # keep a remainder: the last chunk must be short
            target.write(aead.encrypt(_nonce(number, last=False), pending[:CHUNK], None))
            pending, number = pending[CHUNK:], number + 1
    if len(pending) == CHUNK:
        target.write(aead.encrypt(_nonce(number, last=False), pending, None))
        pending, number = b"", number + 1
    target.write(aead.encrypt(_nonce(number, last=True), pending, None))


class EncryptedStorage(Storage):
    """Encrypts on save and decrypts on open around an inner storage; names are random."""

    def __init__(self, *, inner_backend: str, inner_options: dict | None = None):
        self.inner: Storage = import_string(inner_backend)(**(inner_options or {}))

    def generate_filename(self, filename: str) -> str:
        # The folder from upload_to stays (it says what the file is); the user's file name,
        # which can itself be personal data, never reaches the store.
        return posixpath.join(posixpath.dirname(filename), uuid.uuid4().hex)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.inner.get_available_name(name, max_length=max_length)

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode not in ("r", "rb"):
            raise ValueError("private files are written only through save()")
        return DecryptedFile(self.inner, name)

    def _save(self, name: str, content: File) -> str:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            encrypt_to(spool, content.chunks(CHUNK))
            spool.seek(0)
            return self.inner.save(name, File(spool, name=name))

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str):
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        """The plaintext size, worked out from the stored size and the header."""
        with self.inner.open(name, "rb") as handle:
            head = handle.read(len(MAGIC) + 2)
        (key_length,) = struct.unpack(">H", head[len(MAGIC) :])
        body = self.inner.size(name) - len(head) - key_length
        return body - TAG * (body // (CHUNK + TAG) + 1)

    def get_accessed_time(self, name: str):
        return self.inner.get_accessed_time(name)

    def get_created_time(self, name: str):
        return self.inner.get_created_time(name)

    def get_modified_time(self, name: str):
        return self.inner.get_modified_time(name)
