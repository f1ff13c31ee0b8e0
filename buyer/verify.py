"""``verify``: check a delivery against the chain, trusting nothing the cooperative says.

A delivery in the ciphertext form (api/services/delivery.py) is a tar of ``manifest.json`` and,
per contribution, its ciphertext as stored (``<id><ext>.age``) with its age identity
(``<id>.key``). The chain holds each contribution's CID, and the purchase's ``contentBlock``
fixes which contributions the purchase bought. So, reading the events straight from an RPC node:

1. the purchase: it exists, and the manifest's pool and block are the ones the chain recorded;
2. every file: its CID, recomputed from its bytes as ``ipfs add`` does, is the CID of the
   contribution it is delivered as, an accepted contribution of the pool at the purchase's
   block (a CID of another of the purchase's contributions means the files were swapped);
3. every file decrypts with its identity (age authenticates each 64 KiB chunk), to the size and
   SHA-256 the manifest gives;
4. none is missing: every contribution the pool held at the purchase's block is delivered, or
   listed as left out and shown by the chain to have left the pool (revoked or overturned)
   since.

The result is a :class:`Report` (written as JSON); any failure names its contribution and a
reason. Files are never extracted under the names the tar gives: decrypted plaintext, if asked
for, is written under names built from the checked contribution id.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import tarfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import pyrage

from buyer.onchain import (
    BatchContributions,
    ChainRecordError,
    ContributionHistory,
    ContributionSource,
    Cooperative,
    PurchaseRecord,
    SingleContributions,
    file_cid,
    pool_histories,
)

MANIFEST = "manifest.json"
CIPHERTEXT_FORM = "ciphertext"
_ID = r"0x[0-9a-f]{64}"
_CIPHERTEXT_PATH = re.compile(rf"({_ID})(\.[a-z0-9]{{1,10}})?\.age")
# Bounds on what is read whole from an archive nobody vouches for.
MAX_MANIFEST_BYTES = 64 << 20
MAX_IDENTITY_BYTES = 1 << 10


@dataclass
class Failure:
    code: str
    reason: str
    contribution_id: str | None = None


@dataclass
class Report:
    """What ``verify`` found: ``ok`` only if every check passed."""

    purchase_id: int | None
    rpc_url: str
    chain_id: int
    checked_to_block: int | None = None
    purchase: dict[str, Any] | None = None
    verified: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, code: str, reason: str, contribution_id: str | None = None) -> None:
        self.failures.append(Failure(code, reason, contribution_id))

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        return path


class _Digest(io.RawIOBase):
    """Where pyrage writes the plaintext: counted, hashed and, if asked, kept."""

    def __init__(self, keep: IO[bytes] | None) -> None:
        self.size = 0
        self.sha256 = hashlib.sha256()
        self._keep = keep

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        self.sha256.update(data)
        if self._keep is not None:
            self._keep.write(data)
        return len(data)


def verify_delivery(
    archive: Path,
    cooperative: Cooperative,
    purchase_id: int | None = None,
    plaintext_dir: Path | None = None,
    sources: Sequence[ContributionSource] | None = None,
) -> Report:
    """Checks the delivery tar at ``archive`` against the chain (see the module's docstring).

    ``purchase_id`` is the purchase the buyer made (default: the one the manifest names);
    ``plaintext_dir``, if given, receives each verified file decrypted; ``sources`` are the
    ways contributions join a pool (default: registered singly)."""
    report = Report(
        purchase_id=purchase_id,
        rpc_url=str(getattr(cooperative.w3.provider, "endpoint_uri", "")),
        chain_id=cooperative.deployment.chain_id,
    )
    with tarfile.open(archive, mode="r:") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        manifest = _manifest(tar, members, report)
        if manifest is None:
            return report
        report.purchase_id = purchase_id = purchase_id or int(manifest["purchase_id"])
        try:
            purchase = cooperative.purchase(purchase_id)
        except ChainRecordError as exc:
            report.fail("no-purchase", str(exc))
            return report
        report.purchase = asdict(purchase)
        _check_purchase(manifest, purchase, report)
        head = cooperative.w3.eth.block_number
        report.checked_to_block = head
        manifests, manifest_paths = _batch_manifests(tar, members, manifest, report)
        batches = BatchContributions(cooperative, manifests)
        histories = pool_histories(
            sources or [SingleContributions(cooperative), batches], purchase.pool_id, head
        )
        for problem in batches.problems:
            report.fail(problem.code, problem.reason)
        bought = {k: h for k, h in histories.items() if h.held_at(purchase.content_block)}
        delivered = _check_files(
            tar, members, manifest, bought, report, plaintext_dir, manifest_paths
        )
        _check_left_out(manifest, bought, delivered, purchase, report)
    return report


def _manifest(
    tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo], report: Report
) -> dict[str, Any] | None:
    if MANIFEST not in members:
        report.fail("no-manifest", f"the archive holds no {MANIFEST}")
        return None
    if members[MANIFEST].size > MAX_MANIFEST_BYTES:
        report.fail("bad-manifest", f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes")
        return None
    extracted = tar.extractfile(members[MANIFEST])
    assert extracted is not None
    try:
        manifest = json.loads(extracted.read())
    except ValueError as exc:
        report.fail("bad-manifest", f"{MANIFEST} is not JSON: {exc}")
        return None
    if manifest.get("form") != CIPHERTEXT_FORM:
        report.fail(
            "not-verifiable",
            "only a delivery in the ciphertext form (?form=ciphertext) can be checked against "
            "the chain: the chain holds the ciphertexts' CIDs",
        )
        return None
    return dict(manifest)


def _batch_manifests(
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    manifest: dict[str, Any],
    report: Report,
) -> tuple[dict[str, bytes], set[str]]:
    """The batch manifests the delivery carries (``batches/<id>.json``), by the CID the
    delivery's manifest gives them; the source checks each against the chain's."""
    found: dict[str, bytes] = {}
    paths: set[str] = set()
    for entry in manifest.get("batches", []):
        path, cid = str(entry.get("path", "")), str(entry.get("manifest_cid", ""))
        if not path:
            continue
        paths.add(path)
        member = members.get(path)
        if member is None:
            report.fail(
                "missing-file",
                f"{path} (batch {entry.get('batch_id')}'s manifest) is not in the archive",
            )
            continue
        if member.size > MAX_MANIFEST_BYTES:
            report.fail("bad-manifest", f"{path} is larger than {MAX_MANIFEST_BYTES} bytes")
            continue
        extracted = tar.extractfile(member)
        assert extracted is not None
        found[cid] = extracted.read()
    return found, paths


def _check_purchase(manifest: dict[str, Any], purchase: PurchaseRecord, report: Report) -> None:
    for key, on_chain in (("pool_id", purchase.pool_id), ("content_block", purchase.content_block)):
        if manifest.get(key) != on_chain:
            report.fail(
                "manifest-mismatch",
                f"the manifest's {key} is {manifest.get(key)!r}; purchase {purchase.purchase_id} "
                f"on chain has {on_chain}",
            )


def _check_files(
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    manifest: dict[str, Any],
    bought: dict[str, ContributionHistory],
    report: Report,
    plaintext_dir: Path | None,
    manifest_paths: set[str],
) -> set[str]:
    """Checks every listed file; returns the contribution ids delivered and verified."""
    by_cid = {bytes(h.cid): h.contribution_id for h in bought.values()}
    listed: set[str] = {MANIFEST, *manifest_paths}
    delivered: set[str] = set()
    for entry in manifest.get("contributions", []):
        key = str(entry.get("contribution_id", ""))
        path, identity_path = str(entry.get("path", "")), str(entry.get("identity_path", ""))
        listed |= {path, identity_path}
        match = _CIPHERTEXT_PATH.fullmatch(path)
        if match is None or match.group(1) != key or identity_path != f"{key}.key":
            report.fail("bad-entry", f"the manifest's entry {path!r} is not named by its id", key)
            continue
        if key in delivered:
            report.fail("duplicate", f"{key} is listed twice", key)
            continue
        history = bought.get(key)
        if history is None:
            report.fail(
                "not-in-purchase",
                f"{key} is not an accepted contribution of pool {manifest.get('pool_id')} at the "
                "purchase's block",
                key,
            )
            continue
        missing = [p for p in (path, identity_path) if p not in members]
        if missing:
            report.fail("missing-file", f"{', '.join(missing)} not in the archive", key)
            continue
        if _check_file(tar, members, entry, history, by_cid, report, plaintext_dir, match):
            delivered.add(key)
    for name in sorted(set(members) - listed):
        report.fail("unlisted-file", f"{name} is in the archive but not in the manifest")
    return delivered


def _check_file(
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    entry: dict[str, Any],
    history: ContributionHistory,
    by_cid: dict[bytes, str],
    report: Report,
    plaintext_dir: Path | None,
    match: re.Match[str],
) -> bool:
    key = history.contribution_id
    member = members[entry["path"]]
    stored = tar.extractfile(member)
    assert stored is not None
    computed = file_cid(stored, history.cid)
    if bytes(computed) != bytes(history.cid):
        other = by_cid.get(bytes(computed))
        if other is not None:
            reason = f"{entry['path']} holds the ciphertext of {other}, not of {key} (swapped)"
            report.fail("swapped", reason, key)
            return False
        expected_size = entry.get("ciphertext_size")
        length = (
            f"; it is {member.size} bytes, the manifest says {expected_size}"
            + (
                " (truncated)"
                if isinstance(expected_size, int) and member.size < expected_size
                else ""
            )
            if member.size != expected_size
            else ""
        )
        report.fail(
            "cid-mismatch",
            f"{entry['path']} hashes to {computed}, but the chain registered {key} as "
            f"{history.cid}: the ciphertext is not the one stored{length}",
            key,
        )
        return False
    identity_file = tar.extractfile(members[entry["identity_path"]])
    assert identity_file is not None
    identity_text = identity_file.read(MAX_IDENTITY_BYTES).decode(errors="replace")
    lines = [line for line in identity_text.splitlines() if line and not line.startswith("#")]
    out_path = plaintext_dir / f"{key}{match.group(2) or ''}" if plaintext_dir else None
    try:
        identity = pyrage.x25519.Identity.from_str(lines[0].strip() if lines else "")
        stored.seek(0)
        with out_path.open("wb") if out_path else contextlib.nullcontext() as keep:
            plaintext = _Digest(keep)
            pyrage.decrypt_io(stored, plaintext, [identity])  # type: ignore[arg-type]
    except (pyrage.IdentityError, pyrage.DecryptError) as exc:
        if out_path is not None:
            out_path.unlink(missing_ok=True)
        report.fail(
            "decrypt-failed", f"{entry['path']} does not decrypt with its identity: {exc}", key
        )
        return False
    if plaintext.size != entry.get("size") or plaintext.sha256.hexdigest() != entry.get("sha256"):
        report.fail(
            "plaintext-mismatch",
            f"{entry['path']} decrypts to {plaintext.size} bytes with SHA-256 "
            f"{plaintext.sha256.hexdigest()}; the manifest says {entry.get('size')} bytes, "
            f"{entry.get('sha256')}",
            key,
        )
        if out_path is not None:
            out_path.unlink(missing_ok=True)
        return False
    report.verified.append(
        {
            "contribution_id": key,
            "cid": str(history.cid),
            "path": entry["path"],
            "size": plaintext.size,
            "sha256": plaintext.sha256.hexdigest(),
            "registered": history.path,
            "plaintext": str(out_path) if out_path else None,
        }
    )
    return True


def _check_left_out(
    manifest: dict[str, Any],
    bought: dict[str, ContributionHistory],
    delivered: set[str],
    purchase: PurchaseRecord,
    report: Report,
) -> None:
    """Every contribution bought and not delivered must have left the pool since, on chain."""
    listed = {str(o.get("contribution_id")): o for o in manifest.get("left_out", [])}
    for key, history in sorted(bought.items()):
        if key in delivered:
            continue
        if any(f.contribution_id == key for f in report.failures):
            continue  # delivered, and already failed for what it was
        closed = history.closed_after(purchase.content_block)
        if key not in listed:
            report.fail(
                "withheld",
                f"{key} ({history.cid}) was accepted in pool {purchase.pool_id} at the purchase's "
                "block and is neither delivered nor listed as left out",
                key,
            )
        elif closed is None:
            report.fail(
                "withheld",
                f"{key} is listed as left out ({listed[key].get('reason')}), but the chain still "
                "holds it as accepted",
                key,
            )
        elif listed[key].get("revoked_block") not in (None, closed):
            report.fail(
                "left-out-mismatch",
                f"{key} left the pool at block {closed}, the manifest says "
                f"{listed[key].get('revoked_block')}",
                key,
            )
        else:
            report.left_out.append(
                {
                    "contribution_id": key,
                    "cid": str(history.cid),
                    "left_at_block": closed,
                    "how": history.closed_by,
                    "reason": listed[key].get("reason"),
                }
            )
