"""The vault's format: chunked AES-256-GCM that refuses tampering, truncation and reordering."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from api.errors import VaultIntegrityError, VaultKeyErasedError
from api.services import vault

KEK = bytes(range(32))
OTHER_KEK = bytes(32)
CONTEXT = vault.KeyContext("0x90F79bf6EB2c4f870365E785982E1f101E93b906", 1)
CHUNK = 1024


def seal(plaintext: bytes, chunk_size: int = CHUNK) -> tuple[bytes, vault.Sealed]:
    out = io.BytesIO()
    sealed = vault.encrypt_stream(io.BytesIO(plaintext), out, KEK, CONTEXT, chunk_size)
    return out.getvalue(), sealed


def open_(ciphertext: bytes, wrapped: bytes | None, piece: int = 777,
          kek: bytes = KEK, context: vault.KeyContext = CONTEXT) -> bytes:
    pieces = (ciphertext[i : i + piece] for i in range(0, len(ciphertext), piece))
    return b"".join(vault.decrypt_pieces(pieces, kek, wrapped, context))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 17])
def test_round_trip_at_every_boundary(size: int) -> None:
    plaintext = os.urandom(size)
    ciphertext, sealed = seal(plaintext)
    chunks = max(1, -(-size // CHUNK))
    assert len(ciphertext) == sealed.ciphertext_size == vault.HEADER_SIZE + size + 16 * chunks
    assert sealed.size == size
    assert sealed.plaintext_sha256 == hashlib.sha256(plaintext).hexdigest()
    for piece in (1, 100, CHUNK + 16, 10**6):
        assert open_(ciphertext, sealed.wrapped_key, piece) == plaintext


def test_every_upload_gets_a_fresh_key_and_nonce_prefix() -> None:
    plaintext = b"the same bytes" * 100
    first, sealed_1 = seal(plaintext)
    second, sealed_2 = seal(plaintext)
    assert first != second and first[:12] != second[:12]
    assert sealed_1.wrapped_key != sealed_2.wrapped_key
    assert plaintext not in first
    with pytest.raises(VaultIntegrityError):  # one item's key does not open another
        open_(first, sealed_2.wrapped_key)


def test_a_flipped_bit_anywhere_is_refused() -> None:
    plaintext = os.urandom(4 * CHUNK + 5)
    ciphertext, sealed = seal(plaintext)
    for position in (3, vault.HEADER_SIZE - 1, vault.HEADER_SIZE + 10, 2 * CHUNK + 40,
                     len(ciphertext) - 1):
        tampered = bytearray(ciphertext)
        tampered[position] ^= 0x01
        with pytest.raises(VaultIntegrityError):
            open_(bytes(tampered), sealed.wrapped_key)


def test_no_unverified_byte_is_yielded_before_the_bad_chunk() -> None:
    plaintext = os.urandom(3 * CHUNK)
    ciphertext, sealed = seal(plaintext)
    tampered = bytearray(ciphertext)
    tampered[vault.HEADER_SIZE + (CHUNK + 16) + 5] ^= 0xFF  # inside chunk 1
    received = []
    with pytest.raises(VaultIntegrityError, match="chunk 1"):
        for chunk in vault.decrypt_pieces([bytes(tampered)], KEK, sealed.wrapped_key, CONTEXT):
            received.append(chunk)
    assert received == [plaintext[:CHUNK]]


def test_truncation_reordering_and_extension_are_refused() -> None:
    plaintext = os.urandom(3 * CHUNK)
    ciphertext, sealed = seal(plaintext)
    body = ciphertext[vault.HEADER_SIZE :]
    header = ciphertext[: vault.HEADER_SIZE]
    chunks = [body[i : i + CHUNK + 16] for i in range(0, len(body), CHUNK + 16)]
    assert len(chunks) == 3
    cases = {
        "dropped last chunk": header + chunks[0] + chunks[1],
        "swapped chunks": header + chunks[1] + chunks[0] + chunks[2],
        "duplicated chunk": header + chunks[0] + chunks[0] + chunks[1] + chunks[2],
        "cut mid-chunk": ciphertext[:-7],
        "trailing bytes": ciphertext + b"\x00",
        "header only": header,
        "nothing": b"",
    }
    for name, broken in cases.items():
        with pytest.raises(VaultIntegrityError):
            open_(broken, sealed.wrapped_key)
            pytest.fail(name)


def test_chunk_size_in_header_is_authenticated() -> None:
    plaintext = os.urandom(2 * CHUNK)
    ciphertext, sealed = seal(plaintext)
    forged = vault.Header(2 * CHUNK, ciphertext[8:16]).pack() + ciphertext[vault.HEADER_SIZE :]
    with pytest.raises(VaultIntegrityError):
        open_(forged, sealed.wrapped_key)


def test_wrapped_key_is_bound_to_kek_and_context() -> None:
    plaintext = b"x" * 5000
    ciphertext, sealed = seal(plaintext)
    with pytest.raises(VaultIntegrityError):
        open_(ciphertext, sealed.wrapped_key, kek=OTHER_KEK)
    with pytest.raises(VaultIntegrityError):
        open_(ciphertext, sealed.wrapped_key, context=vault.KeyContext(CONTEXT.uploader, 2))
    with pytest.raises(VaultKeyErasedError):
        open_(ciphertext, None)


def test_kek_setting_is_validated() -> None:
    assert vault.parse_kek("ab" * 32) == b"\xab" * 32
    for bad in ("ab" * 31, "zz" * 32, ""):
        with pytest.raises(ValueError, match="32 bytes"):
            vault.parse_kek(bad)


def test_encryption_streams_with_bounded_memory(tmp_path) -> None:
    import tracemalloc

    size = 24 * 1024 * 1024
    source = tmp_path / "plain.bin"
    with source.open("wb") as f:
        for _ in range(size // (1 << 20)):
            f.write(os.urandom(1 << 20))
    target = tmp_path / "sealed.bin"
    tracemalloc.start()
    with source.open("rb") as plain, target.open("wb") as out:
        sealed = vault.encrypt_stream(plain, out, KEK, CONTEXT)
    with target.open("rb") as cipher:
        digest = hashlib.sha256()
        pieces = iter(lambda: cipher.read(256 * 1024), b"")
        for chunk in vault.decrypt_pieces(pieces, KEK, sealed.wrapped_key, CONTEXT):
            digest.update(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert digest.hexdigest() == sealed.plaintext_sha256
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte file"
