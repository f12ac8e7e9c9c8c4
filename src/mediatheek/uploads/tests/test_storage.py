import base64
import os
import stat
import threading

import pytest
from cryptography.exceptions import InvalidTag

from mediatheek.uploads import storage


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.UPLOAD_KEY = ""
    return settings.DATA_DIR


def test_round_trip_and_file_is_encrypted(data_dir, settings):
    name = storage.save_encrypted(b"Leerlingnummer;Achternaam\n1;Jansen\n")
    raw = (settings.UPLOAD_DIR / name).read_bytes()
    assert b"Jansen" not in raw
    assert storage.read_decrypted(name) == b"Leerlingnummer;Achternaam\n1;Jansen\n"


def test_names_are_random_and_outside_served_folders(data_dir, settings):
    first, second = storage.save_encrypted(b"a"), storage.save_encrypted(b"a")
    assert first != second and len(first) == 32
    static_root = str(settings.STATIC_ROOT)
    assert not str(settings.UPLOAD_DIR).startswith(static_root)
    assert stat.S_IMODE(os.stat(settings.UPLOAD_DIR / first).st_mode) == 0o600


def test_key_file_is_created_with_0600(data_dir):
    storage.save_encrypted(b"x")
    key_file = data_dir / storage.KEY_FILE_NAME
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(storage.get_key()) == 32


def test_workers_creating_the_key_at_once_all_read_the_same_whole_key(data_dir, settings):
    """Several gunicorn workers taking the first upload at the same moment: one key wins, nobody reads a half-written
    file (this happened: two test workers, one read the key file empty)."""

    def take(barrier: threading.Barrier, keys: list[object]) -> None:
        barrier.wait()
        try:
            keys.append(storage.get_key())
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            keys.append(error)

    for attempt in range(20):
        settings.DATA_DIR = data_dir / str(attempt)
        barrier = threading.Barrier(8)
        keys: list[object] = []
        threads = [threading.Thread(target=take, args=(barrier, keys)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(keys)) == 1 and isinstance(keys[0], bytes) and len(keys[0]) == 32, keys
        assert [item.name for item in settings.DATA_DIR.iterdir()] == [storage.KEY_FILE_NAME]


def test_key_from_environment_setting(data_dir, settings):
    settings.UPLOAD_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
    name = storage.save_encrypted(b"secret")
    assert not (data_dir / storage.KEY_FILE_NAME).exists()
    settings.UPLOAD_KEY = base64.urlsafe_b64encode(b"j" * 32).decode()
    with pytest.raises(InvalidTag):
        storage.read_decrypted(name)


def test_tampered_file_is_refused(data_dir, settings):
    name = storage.save_encrypted(b"secret")
    path = settings.UPLOAD_DIR / name
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(InvalidTag):
        storage.read_decrypted(name)


def test_stored_name_cannot_escape_the_folder(data_dir):
    with pytest.raises(ValueError):
        storage.read_decrypted("../secret_key.txt")
