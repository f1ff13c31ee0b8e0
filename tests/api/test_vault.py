"""The vault's formats and keys: age through pyrage (format 2), the legacy chunked AES-GCM
(format 1) still read, the key store that erasure rewrites, and the KEK's rotation."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from api.errors import VaultIntegrityError, VaultKeyErasedError
from api.services import vault, vault_legacy
from api.services.keystore import KeyStore, new_key_id
from api.settings import Settings
from tests.api.legacy_vault import seal_legacy

KEK = bytes(range(32))
NEW_KEK = bytes(range(32, 64))
CONTEXT = vault_legacy.KeyContext("0x90F79bf6EB2c4f870365E785982E1f101E93b906", 1)
AGE_CHUNK = vault.AGE_CHUNK_SIZE
MiB = 1024 * 1024


@pytest.fixture
def keys(tmp_path: Path) -> vault.Vault:
    return vault.Vault(KEK, KeyStore(tmp_path / "keystore", KEK))


def seal(keys: vault.Vault, plaintext: bytes) -> tuple[bytes, vault.ItemKey, vault.Sealed]:
    out = io.BytesIO()
    sealed = keys.seal(io.BytesIO(plaintext), out, "field notes.txt", "text/plain")
    key = vault.ItemKey(vault.FORMAT_AGE, sealed.key_id, None, CONTEXT)
    return out.getvalue(), key, sealed


def pieces_of(data: bytes, piece: int = 777) -> list[bytes]:
    return [data[i : i + piece] for i in range(0, len(data), piece)]


def open_(keys: vault.Vault, ciphertext: bytes, key: vault.ItemKey, piece: int = 777) -> bytes:
    return b"".join(keys.open(pieces_of(ciphertext, piece), key))


@pytest.mark.parametrize(
    "size", [0, 1, AGE_CHUNK - 1, AGE_CHUNK, AGE_CHUNK + 1, 3 * AGE_CHUNK + 17]
)
def test_round_trip_at_every_boundary(keys: vault.Vault, size: int) -> None:
    plaintext = os.urandom(size)
    ciphertext, key, sealed = seal(keys, plaintext)
    assert ciphertext.startswith(b"age-encryption.org/v1\n-> X25519 ")
    assert sealed.size == size and sealed.ciphertext_size == len(ciphertext)
    assert sealed.plaintext_sha256 == hashlib.sha256(plaintext).hexdigest()
    assert keys.facts(key) == vault.FileFacts(
        "field notes.txt", "text/plain", sealed.plaintext_sha256
    )
    for piece in (1, 1000, AGE_CHUNK + 16, 10**6):
        assert open_(keys, ciphertext, key, piece) == plaintext


def test_every_upload_gets_its_own_identity(keys: vault.Vault) -> None:
    plaintext = b"the same bytes" * 100
    first, key_1, _ = seal(keys, plaintext)
    second, key_2, _ = seal(keys, plaintext)
    assert first != second and key_1.key_id != key_2.key_id
    assert keys.age_key(key_1).identity != keys.age_key(key_2).identity
    assert plaintext not in first
    with pytest.raises(VaultIntegrityError):  # one item's identity does not open another
        open_(keys, first, key_2)


def test_standard_age_decrypts_a_vault_ciphertext(keys: vault.Vault, tmp_path: Path) -> None:
    """Debian's ``age`` command, given the identity, decrypts what the vault wrote."""
    age = shutil.which("age")
    assert age is not None, "Debian's age is missing: run `make setup-test`"
    plaintext = os.urandom(3 * AGE_CHUNK + 5)
    ciphertext, key, _ = seal(keys, plaintext)
    identity_file = tmp_path / "identity.txt"
    identity_file.write_text(keys.age_key(key).identity + "\n")
    (tmp_path / "sealed.age").write_bytes(ciphertext)
    result = subprocess.run(
        [age, "-d", "-i", str(identity_file), str(tmp_path / "sealed.age")],
        capture_output=True,
        check=True,
    )
    assert result.stdout == plaintext


def test_a_flipped_bit_anywhere_is_refused(keys: vault.Vault) -> None:
    plaintext = os.urandom(4 * AGE_CHUNK + 5)
    ciphertext, key, _ = seal(keys, plaintext)
    header_end = ciphertext.index(b"\n---") + 1
    for position in (3, header_end + 10, header_end + 60, 2 * AGE_CHUNK + 40, len(ciphertext) - 1):
        tampered = bytearray(ciphertext)
        tampered[position] ^= 0x01
        with pytest.raises(VaultIntegrityError):
            open_(keys, bytes(tampered), key)


def test_no_unverified_byte_is_yielded_before_the_bad_chunk(keys: vault.Vault) -> None:
    plaintext = os.urandom(3 * AGE_CHUNK)
    ciphertext, key, _ = seal(keys, plaintext)
    tampered = bytearray(ciphertext)
    tampered[-AGE_CHUNK - 100] ^= 0xFF  # inside the last chunk
    received = bytearray()
    with pytest.raises(VaultIntegrityError, match="authentication"):
        for chunk in keys.open([bytes(tampered)], key):
            received += chunk
    assert plaintext.startswith(bytes(received)) and len(received) <= 2 * AGE_CHUNK


def test_truncation_and_extension_are_refused(keys: vault.Vault) -> None:
    plaintext = os.urandom(3 * AGE_CHUNK)
    ciphertext, key, _ = seal(keys, plaintext)
    for broken in (ciphertext[:-7], ciphertext[: -(AGE_CHUNK + 16)], ciphertext + b"\x00", b""):
        with pytest.raises(VaultIntegrityError):
            open_(keys, broken, key)


def test_a_storage_error_mid_stream_is_raised_as_itself(keys: vault.Vault) -> None:
    ciphertext, key, _ = seal(keys, os.urandom(2 * AGE_CHUNK))

    def failing() -> list[bytes] | object:
        yield ciphertext[:1000]
        raise ConnectionError("the block store went away")

    with pytest.raises(ConnectionError, match="went away"):
        b"".join(keys.open(failing(), key))  # type: ignore[arg-type]


def test_a_reader_that_stops_early_stops_the_decryption(keys: vault.Vault) -> None:
    ciphertext, key, _ = seal(keys, os.urandom(8 * MiB))
    before = threading.active_count()
    stream = keys.open(pieces_of(ciphertext, 65536), key)
    assert len(next(iter(stream))) > 0
    stream.close()  # type: ignore[attr-defined]
    assert threading.active_count() == before


def test_erased_key_opens_nothing(keys: vault.Vault) -> None:
    ciphertext, key, _ = seal(keys, b"HIV status: positive")
    keys.destroy(key)
    with pytest.raises(VaultKeyErasedError):
        open_(keys, ciphertext, key)
    with pytest.raises(VaultKeyErasedError):
        keys.facts(key)
    keys.destroy(key)  # again: nothing left to destroy, no error


def test_largest_upload_streams_with_bounded_memory(keys: vault.Vault, tmp_path: Path) -> None:
    """The largest upload the API accepts, sealed and opened with a few MiB of memory."""
    size = Settings().max_upload_bytes
    source = tmp_path / "plain.bin"
    with source.open("wb") as f:
        for _ in range(size // MiB):
            f.write(os.urandom(MiB))
    target = tmp_path / "sealed.age"
    tracemalloc.start()
    started = time.perf_counter()
    with source.open("rb") as plain, target.open("wb") as out:
        sealed = keys.seal(plain, out, "big.bin", "application/octet-stream")
    sealing = time.perf_counter() - started
    _, seal_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    key = vault.ItemKey(vault.FORMAT_AGE, sealed.key_id, None, CONTEXT)
    started = time.perf_counter()
    with target.open("rb") as cipher:
        digest = hashlib.sha256()
        for chunk in keys.open(iter(lambda: cipher.read(256 * 1024), b""), key):
            digest.update(chunk)
    opening = time.perf_counter() - started
    _, open_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(  # the figures docs/erasure.md quotes
        f"\n{size / MiB:.0f} MiB: sealed in {sealing:.2f} s (peak {seal_peak / MiB:.2f} MiB), "
        f"opened in {opening:.2f} s (peak {open_peak / MiB:.2f} MiB)"
    )
    assert sealed.size == size
    assert digest.hexdigest() == sealed.plaintext_sha256
    assert seal_peak < 4 * MiB and open_peak < 4 * MiB, (seal_peak, open_peak)


# -- format 1 ---------------------------------------------------------------------------------


def legacy_key(wrapped: bytes | None, key_id: str | None = None) -> vault.ItemKey:
    return vault.ItemKey(vault.FORMAT_LEGACY, key_id, wrapped, CONTEXT)


def test_legacy_rows_still_decrypt(keys: vault.Vault) -> None:
    plaintext = os.urandom(5 * 1024 + 17)
    sealed = seal_legacy(plaintext, KEK, CONTEXT)
    assert open_(keys, sealed.ciphertext, legacy_key(sealed.wrapped_key)) == plaintext
    tampered = bytearray(sealed.ciphertext)
    tampered[2000] ^= 1
    with pytest.raises(VaultIntegrityError, match="chunk 1"):
        open_(keys, bytes(tampered), legacy_key(sealed.wrapped_key))
    other_pool = vault.ItemKey(
        vault.FORMAT_LEGACY, None, sealed.wrapped_key, vault_legacy.KeyContext(CONTEXT.uploader, 2)
    )
    with pytest.raises(VaultIntegrityError):  # the wrapped key stays bound to its row
        open_(keys, sealed.ciphertext, other_pool)
    with pytest.raises(VaultKeyErasedError):
        open_(keys, sealed.ciphertext, legacy_key(None))


def test_a_legacy_key_moved_into_the_key_store_opens_and_erases(keys: vault.Vault) -> None:
    plaintext = os.urandom(3000)
    sealed = seal_legacy(plaintext, KEK, CONTEXT)
    header = sealed.ciphertext[: vault_legacy.HEADER_SIZE]
    key_id = new_key_id()
    keys.adopt_legacy(legacy_key(sealed.wrapped_key, key_id), header)
    keys.adopt_legacy(legacy_key(sealed.wrapped_key, key_id), header)  # again: nothing changes
    moved = legacy_key(None, key_id)
    assert open_(keys, sealed.ciphertext, moved) == plaintext
    keys.destroy(moved)
    with pytest.raises(VaultKeyErasedError):
        open_(keys, sealed.ciphertext, moved)


# -- the key store ----------------------------------------------------------------------------


def test_key_store_keeps_secrets_sealed_and_forgets_destroyed_ones(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "ks", KEK)
    ids = [new_key_id() for _ in range(40)]
    for n, key_id in enumerate(ids):
        store.put(key_id, b"secret-%02d" % n)
    assert store.get(ids[7]) == b"secret-07"
    raw = b"".join(path.read_bytes() for path in store.shard_paths())
    assert b"secret-" not in raw  # sealed under the KEK
    assert store.destroy(ids[7]) and not store.destroy(ids[7])
    with pytest.raises(VaultKeyErasedError):
        store.get(ids[7])
    assert [store.get(key_id) for key_id in ids[8:]] == [b"secret-%02d" % n for n in range(8, 40)]
    with pytest.raises(VaultIntegrityError, match="already in use"):
        store.put(ids[0], b"another")
    with pytest.raises(VaultIntegrityError, match="malformed"):
        store.get("not hex")
    assert not list((tmp_path / "ks").glob("*.tmp"))  # no temporary file left behind


def test_the_replaced_shard_file_is_overwritten_with_zeros(tmp_path: Path) -> None:
    """The old file, still open elsewhere (as its freed blocks would be on disk), is zeros."""
    store = KeyStore(tmp_path / "ks", KEK)
    key_id = new_key_id()
    store.put(key_id, b"AGE-SECRET-KEY-1" + b"Q" * 58)
    (shard,) = store.shard_paths()
    with shard.open("rb") as old:
        size = len(old.read())
        store.destroy(key_id)
        old.seek(0)
        assert old.read() == bytes(size)
    assert shard.read_bytes() != bytes(len(shard.read_bytes()))  # the new file, sealed


def test_key_store_refuses_a_wrong_kek_and_an_altered_shard(tmp_path: Path) -> None:
    key_id = new_key_id()
    KeyStore(tmp_path / "ks", KEK).put(key_id, b"s")
    with pytest.raises(VaultIntegrityError, match="wrong key-encryption key"):
        KeyStore(tmp_path / "ks", NEW_KEK).get(key_id)
    shard = KeyStore(tmp_path / "ks", KEK).shard_paths()[0]
    data = bytearray(shard.read_bytes())
    data[-1] ^= 1
    shard.write_bytes(bytes(data))
    with pytest.raises(VaultIntegrityError):
        KeyStore(tmp_path / "ks", KEK).get(key_id)


def test_concurrent_writers_lose_no_key(tmp_path: Path) -> None:
    """Writers in many threads (one key-store object each, as separate requests) take turns."""
    ids = [new_key_id() for _ in range(64)]
    # Every id in one shard, so every write is a read-modify-write of the same file.
    ids = ["00" + key_id[2:] for key_id in ids]

    def put(key_id: str) -> None:
        KeyStore(tmp_path / "ks", KEK).put(key_id, key_id.encode())

    threads = [threading.Thread(target=put, args=(key_id,)) for key_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store = KeyStore(tmp_path / "ks", KEK)
    assert all(store.get(key_id) == key_id.encode() for key_id in ids)


def test_kek_rotation_rewraps_every_key_and_touches_no_ciphertext(
    keys: vault.Vault, tmp_path: Path
) -> None:
    items = [seal(keys, os.urandom(1000 + n)) for n in range(5)]
    before = [ciphertext for ciphertext, _, _ in items]
    assert keys.rotate_kek(NEW_KEK) == 5
    with pytest.raises(VaultIntegrityError):  # the old KEK opens no shard any more
        KeyStore(keys.keystore.root, KEK).get(items[0][1].key_id or "")
    reopened = vault.Vault(NEW_KEK, KeyStore(keys.keystore.root, NEW_KEK))
    for ciphertext, key, sealed in items:
        assert hashlib.sha256(open_(reopened, ciphertext, key)).hexdigest() == (
            sealed.plaintext_sha256
        )
    assert [ciphertext for ciphertext, _, _ in items] == before
    # A rotation cut short and run again leaves the shards already done as they are.
    assert reopened.rotate_kek(NEW_KEK) == 5


def test_kek_setting_is_validated() -> None:
    assert vault.parse_kek("ab" * 32) == b"\xab" * 32
    for bad in ("ab" * 31, "zz" * 32, ""):
        with pytest.raises(ValueError, match="32 bytes"):
            vault.parse_kek(bad)


_PEAK_RSS_SCRIPT = """
import io, os, sys, hashlib
from pathlib import Path
from api.services import vault
from api.services.keystore import KeyStore

def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

folder = Path(sys.argv[1])
keys = vault.Vault(bytes(32), KeyStore(folder / "ks", bytes(32)))
keys.seal(io.BytesIO(b"warm up"), io.BytesIO(), "w", "w")
before = peak()
with (folder / "plain.bin").open("rb") as plain, (folder / "sealed.age").open("wb") as out:
    sealed = keys.seal(plain, out, "big.bin", "application/octet-stream")
key = vault.ItemKey(vault.FORMAT_AGE, sealed.key_id, None, None)
digest = hashlib.sha256()
with (folder / "sealed.age").open("rb") as cipher:
    for chunk in keys.open(iter(lambda: cipher.read(256 * 1024), b""), key):
        digest.update(chunk)
assert digest.hexdigest() == sealed.plaintext_sha256
print(peak() - before)
"""


def test_native_memory_stays_bounded_too(tmp_path: Path) -> None:
    """tracemalloc sees Python's allocations only; the process's peak resident memory covers
    pyrage's own, for the largest upload sealed and opened in a fresh interpreter."""
    with (tmp_path / "plain.bin").open("wb") as f:
        for _ in range(Settings().max_upload_bytes // MiB):
            f.write(os.urandom(MiB))
    result = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_SCRIPT, str(tmp_path)],
        capture_output=True, check=True, text=True,
    )
    growth = int(result.stdout.strip())
    print(f"\npeak resident memory grew by {growth / MiB:.2f} MiB")  # docs/erasure.md quotes it
    assert growth < 16 * MiB
