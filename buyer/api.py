"""The cooperative's API, as a buyer uses it (httpx): the catalogue, off-chain orders with an
idempotency key, purchases, and downloads that resume.

An off-chain buyer authenticates with the API key the operator issued (``X-API-Key``); a wallet
buyer signs in with Sign-In with Ethereum and sends the session's bearer token. The API is
trusted here only to serve bytes: what those bytes are is checked against the chain by
:mod:`buyer.verify`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct

from lumbung.siwe import build_message

logger = logging.getLogger(__name__)

RETRIES = 3
POLL_SECONDS = 1.0
SETTLED, FAILED_STATES = "settled", ("expired", "refused", "failed")
Progress = Callable[[int, int], None]  # (bytes so far, bytes in all)


class ApiError(Exception):
    """The API refused a request; ``status`` and the problem's ``detail`` say why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class DownloadInterruptedError(Exception):
    """The download stopped early; what arrived is kept, and the next call resumes it."""


class OrderFailedError(Exception):
    """The order ended without a purchase (expired, refused or failed)."""


def _checked(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json()
    try:
        detail = str(response.json().get("detail") or response.text)
    except ValueError:
        detail = response.text
    raise ApiError(response.status_code, detail)


class BuyerApi:
    """One buyer's session with the API at ``base_url`` (e.g. ``http://127.0.0.1:8000``)."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
    ) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/v1",
            headers=headers,
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def sign_in(self, private_key: str) -> str:
        """Signs in with the wallet (EIP-4361); later requests carry the session token."""
        issued = _checked(self.http.get("/auth/nonce"))
        account = Account.from_key(private_key)
        message = build_message(
            domain=issued["domain"],
            address=account.address,
            uri=issued["uri"],
            chain_id=int(issued["chain_id"]),
            nonce=issued["nonce"],
            issued_at=datetime.now(UTC),
        )
        signature = account.sign_message(encode_defunct(text=message)).signature
        session = _checked(
            self.http.post(
                "/auth/siwe",
                json={"message": message, "signature": "0x" + bytes(signature).hex()},
            )
        )
        self.http.headers["Authorization"] = f"Bearer {session['token']}"
        return str(session["address"])

    def catalogue(self) -> list[dict[str, Any]]:
        """Every pool, with its listing (price, purposes, whether it is for sale)."""
        return list(_checked(self.http.get("/pools")))

    def order(
        self, pool_id: int, purpose: str, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """An off-chain order: the pool's price quoted for this buyer, valid until its
        ``expires_at``. A retry with the same ``idempotency_key`` (a fresh one if None; it is
        reused for this call's own retries) returns the same order, never a second one."""
        key = idempotency_key or str(uuid.uuid4())
        body = {"pool_id": pool_id, "purpose": purpose}
        for attempt in range(RETRIES):
            try:
                response = self.http.post("/orders", json=body, headers={"Idempotency-Key": key})
            except httpx.TransportError:
                if attempt == RETRIES - 1:
                    raise
                logger.warning("order request failed; retrying with the same key %s", key)
                continue
            return dict(_checked(response)) | {"idempotency_key": key}
        raise AssertionError("unreachable")

    def get_order(self, order_id: str) -> dict[str, Any]:
        return dict(_checked(self.http.get(f"/orders/{order_id}")))

    def wait_for_settlement(self, order_id: str, timeout: float = 300.0) -> int:
        """Waits until the order is settled on-chain; returns its purchase id."""
        deadline = time.monotonic() + timeout
        while True:
            order = self.get_order(order_id)
            if order["status"] == SETTLED and order.get("purchase_id"):
                return int(order["purchase_id"])
            if order["status"] in FAILED_STATES:
                raise OrderFailedError(f"order {order_id} {order['status']}: {order.get('reason')}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"order {order_id} still {order['status']} after {timeout} s")
            time.sleep(POLL_SECONDS)

    def purchases(self) -> list[dict[str, Any]]:
        return list(_checked(self.http.get("/purchases")))

    def wait_for_purchase(self, purchase_id: int, timeout: float = 300.0) -> dict[str, Any]:
        """Waits until the API has indexed the purchase (so it can deliver it)."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.http.get(f"/purchases/{purchase_id}")
            if response.status_code != 404:
                return dict(_checked(response))
            if time.monotonic() > deadline:
                raise TimeoutError(f"purchase {purchase_id} not indexed after {timeout} s")
            time.sleep(POLL_SECONDS)

    def download(
        self,
        purchase_id: int,
        destination: Path,
        form: str = "ciphertext",
        progress: Progress | None = None,
    ) -> Path:
        """Downloads the purchase's delivery to ``destination``, resuming a ``.part`` file left
        by an earlier call (``Range`` from its length, ``If-Range`` its ``ETag``: if the
        delivery changed since, a revocation say, the API sends it whole and it starts over)."""
        part = destination.with_name(destination.name + ".part")
        tag_file = destination.with_name(destination.name + ".etag")
        headers = {}
        have = part.stat().st_size if part.exists() else 0
        if have and tag_file.exists():
            headers = {"Range": f"bytes={have}-", "If-Range": tag_file.read_text().strip()}
        url = f"/purchases/{purchase_id}/delivery"
        try:
            with self.http.stream("GET", url, params={"form": form}, headers=headers) as response:
                if response.status_code == 416:
                    raise ApiError(416, "the partial download is longer than the delivery")
                if response.status_code not in (200, 206):
                    response.read()
                    _checked(response)
                offset = have if response.status_code == 206 else 0
                total = offset + int(response.headers["Content-Length"])
                tag_file.write_text(response.headers.get("ETag", ""))
                done = offset
                with part.open("ab" if offset else "wb") as out:
                    for piece in response.iter_bytes():
                        out.write(piece)
                        done += len(piece)
                        if progress is not None:
                            progress(done, total)
        except httpx.TransportError as exc:
            raise DownloadInterruptedError(
                f"the download stopped at {part.stat().st_size if part.exists() else 0} bytes "
                f"({exc}); run it again to resume"
            ) from exc
        if done != total:
            raise DownloadInterruptedError(
                f"the download stopped at {done} of {total} bytes; run it again to resume"
            )
        part.replace(destination)
        tag_file.unlink()
        return destination
