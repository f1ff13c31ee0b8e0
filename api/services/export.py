"""The member's export ("an exit"): one tar of everything the cooperative holds about them.

``GET /v1/members/{address}/export`` streams, for the signed-in member only:

* ``README.txt``: what each file is, in English and Indonesian;
* ``contributions/<contribution id><extension>``: each of their uploads decrypted (not the
  erased ones: their keys are gone), and ``contributions.json``, each upload's file name, type,
  size, SHA-256 and CID (an erased one: only its id, pool and when it was erased);
* ``receipts.jsonld``: every consent receipt (:mod:`api.services.receipts`), as JSON-LD;
* ``earnings.json``: membership, earnings per pot (claimable and claimed, from the indexer's
  replica of the RevenueDistributor) and their history (accruals and claims);
* ``votes.json``: every vote cast, with its proposal (the indexer's governance tables);
* ``consents.json``: the signed EIP-712 consents (digest and signature) and the curators'
  reviews of them.

The archive is built as delivery builds a purchase's (:mod:`api.services.delivery`): the JSON
files and the plan are read from the database up front; the contributions are then decrypted
from IPFS one verified chunk at a time, so memory stays bounded whatever their size, and the
exact length is known before the first byte (``Content-Length``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import LumbungError
from api.models import Consent, Proposal, Review, VaultItem, Vote
from api.schemas.receipts import ReceiptPage
from api.services import contributions, members, receipts, vault
from api.services.delivery import (
    BLOCK,
    DeliveredFile,
    DeliveryAbortedError,
    Segment,
    _constant,
    _decrypted,
    _entry,
    _zeros,
    archive_window,
    extension_of,
)
from ipfs.interface import IpfsBackend
from lumbung.protocol import CLASS_NAMES

logger = logging.getLogger(__name__)

SUPPORT = ("against", "for", "abstain")
README = """\
Lumbung: everything the cooperative holds about {member}
Exported {exported} (UTC). / Diekspor {exported} (UTC).

English
-------
README.txt          this file.
contributions/      each of your uploads, decrypted, named by its contribution id and the
                    extension of your file. Erased uploads are not here: their keys were
                    destroyed and nobody, the cooperative included, can read them any more.
contributions.json  for each upload: its original file name, type, size, SHA-256 (check the
                    files with `sha256sum`) and CID; for an erased one only its id, pool and
                    when it was erased.
receipts.jsonld     your consent receipts (ISO/IEC TS 27560 records in W3C DPV terms,
                    JSON-LD): every consent, registration, withdrawal, erasure, opening by a
                    curator and sale of a pool that held your contribution, each with a
                    sentence in English and Indonesian.
earnings.json       your membership, what you earned per pool (claimable and claimed) and
                    its history, as the cooperative's indexer read it from the chain.
votes.json          every vote you cast, with its proposal.
consents.json       the consents you signed in your wallet (EIP-712 digest and signature)
                    and the curators' reviews of them.
The chain keeps your contributions' registrations and your earnings whatever happens to this
cooperative's server: this archive is your copy of the rest.

Bahasa Indonesia
----------------
README.txt          berkas ini.
contributions/      setiap unggahan Anda, sudah didekripsi, diberi nama menurut id
                    kontribusinya dan ekstensi berkas Anda. Unggahan yang sudah dihapus tidak
                    ada di sini: kuncinya sudah dimusnahkan, jadi tidak seorang pun, termasuk
                    koperasi, bisa membacanya lagi.
contributions.json  untuk setiap unggahan: nama berkas aslinya, jenis, ukuran, SHA-256
                    (periksa berkasnya dengan `sha256sum`) dan CID; untuk yang sudah dihapus
                    hanya id, kumpulan data dan waktu penghapusannya.
receipts.jsonld     tanda terima persetujuan Anda (catatan ISO/IEC TS 27560 dengan istilah
                    W3C DPV, dalam JSON-LD): setiap persetujuan, pendaftaran, penarikan,
                    penghapusan, pembukaan oleh kurator dan penjualan kumpulan data yang
                    memuat kontribusi Anda, masing-masing dengan kalimat dalam bahasa Inggris
                    dan Indonesia.
earnings.json       keanggotaan Anda, pendapatan per kumpulan data (yang bisa diklaim dan
                    yang sudah diklaim) beserta riwayatnya, seperti dibaca pengindeks koperasi
                    dari blockchain.
votes.json          setiap suara yang Anda berikan, beserta usulannya.
consents.json       persetujuan yang Anda tanda tangani di dompet Anda (digest dan tanda
                    tangan EIP-712) dan tinjauan kurator atasnya.
Blockchain tetap menyimpan pendaftaran kontribusi dan pendapatan Anda, apa pun yang terjadi
pada server koperasi ini: arsip ini adalah salinan Anda untuk sisanya.
"""


@dataclass(frozen=True)
class ExportPlan:
    """What the export holds: its JSON files, ready, and the uploads to decrypt."""

    member: str
    documents: tuple[tuple[str, bytes], ...]
    files: tuple[DeliveredFile, ...]

    def segments(self, ipfs: IpfsBackend | None, keys: vault.Vault | None) -> list[Segment]:
        out: list[Segment] = []
        for name, data in self.documents:
            out += _entry(name, _constant(data))
        for item in self.files:
            out += _entry(file_path(item), Segment(item.size, self._producing(item, ipfs, keys)))
        out.append(_zeros(2 * BLOCK))
        return out

    def content_length(self) -> int:
        return sum(segment.length for segment in self.segments(None, None))

    def _producing(
        self, item: DeliveredFile, ipfs: IpfsBackend | None, keys: vault.Vault | None
    ) -> Callable[[], Iterator[bytes]]:
        def pieces() -> Iterator[bytes]:
            try:
                yield from _decrypted(ipfs, keys, item)
            except LumbungError as exc:
                logger.error("export of %s aborted at %s: %s", self.member, item.cid, exc)
                raise DeliveryAbortedError(
                    f"export of {self.member} aborted at {item.cid}: {exc}"
                ) from exc

        return pieces


def file_path(item: DeliveredFile) -> str:
    return f"contributions/{item.contribution_id}{item.extension}"


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str).encode()


def _uploads(
    uploads: list[VaultItem], keys: vault.Vault
) -> tuple[list[DeliveredFile], list[dict[str, Any]]]:
    files: list[DeliveredFile] = []
    described: list[dict[str, Any]] = []
    for item in sorted(uploads, key=lambda u: (u.created_at, u.contribution_id)):
        erased = item.erased_at is not None or (item.key_id is None and not item.wrapped_key)
        entry: dict[str, Any] = {
            "contribution_id": item.contribution_id,
            "pool_id": item.pool_id,
            "uploaded_at": item.created_at.isoformat(),
            "erased": erased,
        }
        if erased:
            entry["erased_at"] = item.erased_at.isoformat() if item.erased_at else None
            described.append(entry)
            continue
        key = contributions.item_key(item)
        facts = keys.facts(key)
        delivered = DeliveredFile(
            cid=item.cid,
            contribution_id=item.contribution_id,
            extension=extension_of(facts.filename),
            size=item.size,
            sha256=facts.plaintext_sha256,
            key=key,
        )
        files.append(delivered)
        entry.update(
            cid=item.cid,
            path=file_path(delivered),
            filename=facts.filename,
            content_type=facts.content_type,
            size=item.size,
            sha256=facts.plaintext_sha256,
        )
        described.append(entry)
    return files, described


def _votes(session: Session, member: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Vote, Proposal)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.voter == member)
        .order_by(Vote.block_number, Vote.id)
    )
    return [
        {
            "proposal_id": proposal.id,
            "description": proposal.description,
            "stakeholder_class": CLASS_NAMES[vote.stakeholder_class],
            "support": SUPPORT[vote.support] if vote.support < len(SUPPORT) else vote.support,
            "votes": vote.votes,
            "block": vote.block_number,
        }
        for vote, proposal in rows
    ]


def _consents(session: Session, member: str, erased: set[str]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Consent, Review)
        .outerjoin(Review, Review.contribution_id == Consent.contribution_id)
        .where(Consent.contributor == member)
        .order_by(Consent.created_at, Consent.contribution_id)
    )
    out = []
    for consent, review in rows:
        out.append(
            {
                "contribution_id": consent.contribution_id,
                "pool_id": consent.pool_id,
                "cid": None if consent.contribution_id in erased else consent.cid,
                "deadline": consent.deadline,
                "digest": consent.digest,
                "signature": "0x" + consent.signature.hex(),
                "signed_at": consent.created_at.isoformat(),
                "review": None
                if review is None
                else {
                    "curator": review.curator,
                    "weight": review.weight,
                    "reason": review.reason,
                    "signature": "0x" + review.signature.hex(),
                    "reviewed_at": review.created_at.isoformat(),
                },
            }
        )
    return out


def plan(
    session: Session, chain: Chain, keys: vault.Vault, member: str, exported: str
) -> ExportPlan:
    """The member's export, read from the database in one go (``exported``: the time shown)."""
    uploads = list(session.scalars(select(VaultItem).where(VaultItem.uploader == member)))
    files, described = _uploads(uploads, keys)
    erased = {u.contribution_id for u in uploads if u.erased_at is not None}
    found = receipts.member_receipts(session, chain, member)
    page = ReceiptPage.of(
        member, found, chain.chain_id, receipts.data_controller(chain)
    ).model_dump(mode="json", by_alias=True)
    view = members.member_view(session, member).model_dump(mode="json")
    documents = (
        ("README.txt", README.format(member=member, exported=exported).encode()),
        ("contributions.json", _json(described)),
        ("receipts.jsonld", _json(page)),
        (
            "earnings.json",
            _json(
                {
                    "address": member,
                    "member": view["member"],
                    "earnings": view["earnings"],
                    "earnings_history": view["earnings_history"],
                }
            ),
        ),
        ("votes.json", _json(_votes(session, member))),
        ("consents.json", _json(_consents(session, member, erased))),
    )
    return ExportPlan(member=member, documents=documents, files=tuple(files))


def stream(ipfs: IpfsBackend, keys: vault.Vault, export: ExportPlan) -> Iterator[bytes]:
    """The archive, piece by piece; a failure once it started cuts it short (and is logged)."""
    segments = export.segments(ipfs, keys)
    yield from archive_window(segments, 0, sum(s.length for s in segments))
    logger.info("exported %s: %d contributions", export.member, len(export.files))
