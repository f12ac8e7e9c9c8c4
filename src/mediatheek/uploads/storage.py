"""Encrypted storage of student files: AES-256-GCM, random file names, outside any served folder.

The key comes from settings.UPLOAD_KEY (environment MEDIATHEEK_UPLOAD_KEY, 32 bytes as urlsafe base64 or 64 hex
characters) or, without it, from a key file in settings.DATA_DIR that is created on first use with mode 0600.
A stored file is: magic "MTK1" + 12-byte nonce + ciphertext-with-tag. The random name is the associated data, so a
file cannot be swapped for another one under a different name unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"MTK1"
NONCE_BYTES = 12
KEY_FILE_NAME = "upload.key"


def _decode_key(text: str) -> bytes:
    text = text.strip()
    try:
        key = bytes.fromhex(text) if len(text) == 64 else base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        raise ImproperlyConfigured("MEDIATHEEK_UPLOAD_KEY is not valid base64 or hex.")
    if len(key) != 32:
        raise ImproperlyConfigured("MEDIATHEEK_UPLOAD_KEY must be 32 bytes (AES-256).")
    return key


def key_file_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE_NAME


def get_key() -> bytes:
    configured = getattr(settings, "UPLOAD_KEY", "")
    if configured:
        return _decode_key(configured)
    path = key_file_path()
    if not path.exists():
        _create_key_file(path)
    return _decode_key(path.read_text())


def _create_key_file(path: Path) -> None:
    """Write a new key to a private temporary file, then link it into place. The link fails when another worker
    was first (its key wins, never overwritten), and nobody can read the key file before it is complete: creating
    the file itself and then writing it let a worker starting at the same moment read it empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another worker was first: its key stays
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def upload_dir() -> Path:
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _path(name: str) -> Path:
    if not name or not all(c in "0123456789abcdef" for c in name):
        raise ValueError("invalid stored name")
    return upload_dir() / name


def save_encrypted(data: bytes) -> str:
    """Encrypt and write `data`; returns the random name it is stored under."""
    name = secrets.token_hex(16)
    nonce = secrets.token_bytes(NONCE_BYTES)
    blob = MAGIC + nonce + AESGCM(get_key()).encrypt(nonce, data, name.encode())
    path = _path(name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(blob)
    return name


def read_decrypted(name: str) -> bytes:
    blob = _path(name).read_bytes()
    if not blob.startswith(MAGIC):
        raise ValueError("not an encrypted student file")
    nonce = blob[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    return AESGCM(get_key()).decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES :], name.encode())


def delete(name: str) -> bool:
    try:
        _path(name).unlink()
    except FileNotFoundError:
        return False
    return True


def stored_files() -> list[tuple[str, float]]:
    """(name, modification time) of every file that looks like a stored upload."""
    found = []
    for path in upload_dir().iterdir():
        name = path.name
        if len(name) == 32 and all(c in "0123456789abcdef" for c in name) and path.is_file():
            found.append((name, path.stat().st_mtime))
    return found


def exists(name: str) -> bool:
    return _path(name).exists()
