"""Erasure as an attacker with the operator's disk and the KEK would test it, on both databases.

Before erasure the attacker's scan must find every contribution's key (the scan works); after
erasure, with ``CHECKPOINT`` on PostgreSQL and SQLite's ``-wal`` left as it is, no candidate key
found anywhere in the database's files or the key store opens any erased ciphertext, in either
format. The candidates are every age identity string in any file or in any key-store shard the
KEK opens, every secret in those shards, every 32-byte window of the key store (sealed and
opened), of SQLite's files and of PostgreSQL's ``vault_items`` heap, and every format-1
wrapped-key blob (a 0x01 byte and 60 more) in any file, unwrapped under the KEK.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import transaction
from api.errors import VaultIntegrityError
from api.services import kek_rotation, keystore, vault_legacy
from api.services.contributions import vault_of
from ipfs.cid import parse_cid
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, send
from tests.api.identity_helpers import index, login, sha256, submit, upload
from tests.api.legacy_vault import legacy_item

NEW_KEK = bytes(range(100, 132))
_IDENTITY = re.compile(rb"AGE-SECRET-KEY-1[0-9A-Z]{58}")
_WRAPPED_SIZE = vault_legacy.WRAPPED_KEY_SIZE


@dataclass(frozen=True)
class Target:
    """A ciphertext as it was stored before erasure, and what its key is bound to."""

    name: str
    ciphertext: bytes
    legacy_context: vault_legacy.KeyContext | None = None

    def opens_with_identity(self, identity: bytes) -> bool:
        if self.legacy_context is not None:
            return False
        try:
            parsed = pyrage.x25519.Identity.from_str(identity.decode())
            pyrage.decrypt(self.ciphertext, [parsed])
        except (pyrage.IdentityError, pyrage.DecryptError, UnicodeDecodeError, ValueError):
            return False
        return True

    def opens_with_data_key(self, key: bytes) -> bool:
        """Whether ``key`` is the format-1 data key: it authenticates the first chunk."""
        if self.legacy_context is None or len(key) != 32:
            return False
        header = self.ciphertext[: vault_legacy.HEADER_SIZE]
        chunk_size = vault_legacy.Header.unpack(header).chunk_size
        first = self.ciphertext[vault_legacy.HEADER_SIZE :][: chunk_size + 16]
        final = len(self.ciphertext) - vault_legacy.HEADER_SIZE <= chunk_size + 16
        try:
            AESGCM(key).decrypt(
                vault_legacy._nonce(header[8:], 0), first, vault_legacy._aad(header, 0, final)
            )
        except InvalidTag:
            return False
        return True

    def unwrap(self, kek: bytes, blob: bytes) -> bytes | None:
        if self.legacy_context is None:
            return None
        header = self.ciphertext[: vault_legacy.HEADER_SIZE]
        try:
            return vault_legacy.unwrap_key(kek, blob, self.legacy_context, header)
        except VaultIntegrityError:
            return None


def attacker_files(context: Context, database_url: str) -> dict[str, list[Path]]:
    """The files an attacker with the disk reads: the database's and the key store's, and
    (``small``) those small enough to try every 32-byte window of."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        database = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        small = database
    else:
        with context.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("CHECKPOINT")
            )
            data_dir = Path(connection.execute(text("SHOW data_directory")).scalar_one())
            oid = connection.execute(
                text("SELECT oid FROM pg_database WHERE datname = current_database()")
            ).scalar_one()
            heap = connection.execute(
                text("SELECT pg_relation_filepath('vault_items')")
            ).scalar_one()
        small = [data_dir / heap]
        database = [
            *sorted(p for p in (data_dir / "base" / str(oid)).iterdir() if p.is_file()),
            *sorted(p for p in (data_dir / "pg_wal").iterdir() if p.is_file()),
        ]
    store = sorted(p for p in context.settings.keystore_dir.iterdir() if p.is_file())
    return {"database": database, "keystore": store, "small": small}


def opened_shards(paths: list[Path], keks: list[bytes]) -> Iterator[bytes]:
    """The plaintext of every key-store shard file that one of ``keks`` opens."""
    for path in paths:
        if not path.name.endswith(".keys"):
            continue
        store = keystore.KeyStore(path.parent, keks[0])
        name = path.name.removesuffix(".keys")
        for kek in keks:
            try:
                entries = store._open(name, path.read_bytes(), kek)
            except VaultIntegrityError:
                continue  # a shard this KEK does not open
            yield keystore._pack(entries)


def windows(data: bytes, size: int) -> Iterator[bytes]:
    for offset in range(len(data) - size + 1):
        yield data[offset : offset + size]


def scan(files: dict[str, list[Path]], keks: list[bytes], targets: list[Target]) -> set[str]:
    """The names of the targets some key found in ``files`` opens, with ``keks`` known."""
    opened: set[str] = set()
    database = [path.read_bytes() for path in files["database"]]
    sealed_store = [path.read_bytes() for path in files["keystore"]]
    open_store = list(opened_shards(files["keystore"], keks))
    everything = database + sealed_store + open_store
    identities = {match for blob in everything for match in _IDENTITY.findall(blob)}
    for target in targets:
        if any(target.opens_with_identity(identity) for identity in identities):
            opened.add(target.name)
    legacy = [target for target in targets if target.legacy_context is not None]
    # Raw 32-byte data keys: every window of the key store and of the small database files.
    raw_sources = sealed_store + open_store + [path.read_bytes() for path in files["small"]]
    for blob in raw_sources:
        for window in windows(blob, 32):
            for target in legacy:
                if target.opens_with_data_key(window):
                    opened.add(target.name)
    # Format-1 wrapped keys, wherever a 0x01 byte starts a blob of the right size.
    for blob in everything:
        for start in (m.start() for m in re.finditer(b"\x01", blob)):
            candidate = blob[start : start + _WRAPPED_SIZE]
            if len(candidate) < _WRAPPED_SIZE:
                break
            for target in legacy:
                for kek in keks:
                    data_key = target.unwrap(kek, candidate)
                    if data_key is not None and target.opens_with_data_key(data_key):
                        opened.add(target.name)
    return opened


def stored(context: Context, cid: str) -> bytes:
    return b"".join(context.ipfs.cat(parse_cid(cid)))


def test_nothing_on_disk_opens_an_erased_contribution(
    client: TestClient,
    context: Context,
    database_url: str,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    producer = login(client, PRODUCER)
    registry = contracts["ContributionRegistry"]
    old_kek = vault_of(context.settings).kek

    def uploaded(name: str, data: bytes) -> dict[str, str]:
        response = upload(client, producer, 1, data, name)
        assert response.status_code == 201, response.text
        body: dict[str, str] = response.json()
        return body

    plaintexts = [
        b"HIV status: positive", b"Desa Sukamaju: 41 households", b"plot 7: 0.4 ha, Ibu Sari"
    ]
    never_registered = uploaded("hiv-test.txt", plaintexts[0])
    rejected = uploaded("village-list.txt", plaintexts[1])
    submit(w3, rejected, PRODUCER)
    send(w3, registry.functions.reject(int(rejected["contribution_id"], 16), "off topic"),
         ADDRESSES[CURATOR])
    revoked = uploaded("plot.txt", plaintexts[2])
    submit(w3, revoked, PRODUCER)
    send(w3, registry.functions.revoke(int(revoked["contribution_id"], 16)), ADDRESSES[PRODUCER])
    kept = uploaded("kept.txt", b"still here")
    legacy, legacy_ciphertext = legacy_item(
        context.ipfs, old_kek, ADDRESSES[PRODUCER], 1, b"format 1: harvest 2023, 3.1 t"
    )
    with transaction(context.sessions) as session:
        session.add(legacy)
    index(context)

    erased = [
        Target(name, stored(context, item["cid"]))
        for name, item in (
            ("never registered", never_registered), ("rejected", rejected), ("revoked", revoked)
        )
    ]
    legacy_target = Target(
        "format 1", legacy_ciphertext, vault_legacy.KeyContext(legacy.uploader, legacy.pool_id)
    )
    control = Target("kept", stored(context, kept["cid"]))
    targets = [*erased, legacy_target, control]

    # The scan finds every key while it exists: the format-2 identities in the key store and the
    # format-1 key wrapped in its row.
    before = scan(attacker_files(context, database_url), [old_kek], targets)
    assert before == {target.name for target in targets}

    # The format-1 key moves into the key store and the old KEK retires; then the erasures.
    rotation = kek_rotation.rotate_kek(
        context.sessions, context.ipfs, vault_of(context.settings), NEW_KEK
    )
    assert rotation.moved == 1 and rotation.resealed == 5
    context.settings.kek = SecretStr(NEW_KEK.hex())
    for item in (never_registered, rejected, revoked, {"contribution_id": legacy.contribution_id}):
        response = client.post(f"/v1/contributions/{item['contribution_id']}/erase",
                               headers=producer)
        assert response.status_code == 200, response.text
    for item in (never_registered, rejected, revoked, {"cid": legacy.cid}):
        assert not context.ipfs.has(parse_cid(item["cid"]))

    files = attacker_files(context, database_url)
    after = scan(files, [NEW_KEK], targets)
    assert after == {"kept"}, f"erased contributions still open: {after - {'kept'}}"
    # What the retired KEK would still open: destroy it (docs/erasure.md).
    retired = scan(files, [old_kek], [legacy_target])
    # Nor do old pages of the rows tell the file's name or the plaintext's hash (format 2 never
    # writes them to the database).
    names = [b"hiv-test.txt", b"village-list.txt", b"plot.txt"]
    hashes = [sha256(data).encode() for data in plaintexts]
    database = b"".join(path.read_bytes() for path in files["database"])
    assert not [clue for clue in names + hashes if clue in database]
    print(  # the figures docs/erasure.md quotes
        f"\n{database_url.split(':')[0]}: scanned "
        f"{len(database) / 2**20:.1f} MiB of database files "
        f"and {len(files['keystore'])} key-store files; after erasure opened {sorted(after)}; "
        f"with the retired KEK: {sorted(retired) or 'nothing'}"
    )
