"""Domain errors. One handler in :mod:`api.main` maps each to an RFC 9457 problem response.

Each error class has a stable ``type`` URI (under ``https://lumbung.coop/problems/``), an HTTP
status and a title; instances carry the detail and any extra facts.
"""

from __future__ import annotations

from typing import Any, ClassVar

from lumbung.protocol import jsonable

PROBLEM_BASE = "https://lumbung.coop/problems/"


class LumbungError(Exception):
    """Base of every domain error."""

    slug: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Request refused"
    # Whether the transaction the refusal ends is committed before it is raised (what the
    # request found out stands), rather than rolled back (see api.db).
    keeps_work: ClassVar[bool] = False

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug


class NotFoundError(LumbungError):
    slug, status, title = "not-found", 404, "Not found"


class UnauthorizedError(LumbungError):
    slug, status, title = "unauthorized", 401, "Authentication required"


class ForbiddenError(LumbungError):
    slug, status, title = "forbidden", 403, "Not allowed"


class ValidationError(LumbungError):
    slug, status, title = "invalid-input", 422, "Invalid input"


class ConflictError(LumbungError):
    slug, status, title = "conflict", 409, "Conflict"


class IdempotencyConflictError(ConflictError):
    slug, title = "idempotency-key-reused", "Idempotency key reused with a different request"


class StrikeActiveError(LumbungError):
    slug, status, title = "strike-active", 409, "The cooperative is on a data strike"


class PayloadTooLargeError(LumbungError):
    slug, status, title = "payload-too-large", 413, "Upload too large"


class RateLimitedError(LumbungError):
    """The client used up its requests for this kind of route; ``Retry-After`` says when to
    come back."""

    slug, status, title = "rate-limited", 429, "Too many requests"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s


class RangeNotSatisfiableError(LumbungError):
    """A ``Range`` that starts past the end of what was asked for."""

    slug, status, title = "range-not-satisfiable", 416, "Range not satisfiable"

    def __init__(self, length: int) -> None:
        super().__init__(f"the archive is {length} bytes long", length=length)


class ChainUnavailableError(LumbungError):
    """The chain RPC does not answer; the client should retry after a while."""

    slug, status, title = "chain-unavailable", 503, "The chain is unavailable"


class StorageUnavailableError(LumbungError):
    slug, status, title = "storage-unavailable", 503, "The IPFS store is unavailable"


class ContractRevertError(LumbungError):
    """A contract call reverted; ``name`` is the decoded Solidity custom error."""

    slug, status, title = "contract-revert", 409, "The contract refused the call"

    def __init__(self, name: str, args: dict[str, Any], detail: str | None = None) -> None:
        super().__init__(detail or f"{name}({', '.join(f'{k}={v}' for k, v in args.items())})")
        self.name = name
        self.args_ = args
        self.extra = {"error": name, "args": {k: jsonable(v) for k, v in args.items()}}

    @property
    def type(self) -> str:
        return PROBLEM_BASE + "contract/" + self.name


# Orders, payments and settlement (orders helper)


class NotForSaleError(LumbungError):
    slug, status, title = "pool-not-for-sale", 409, "The pool is not for sale"


class PurposeNotAllowedError(LumbungError):
    slug, status, title = "purpose-not-allowed", 409, "The pool's license does not allow it"


class QuoteExpiredError(LumbungError):
    """A payment for a quote past its expiry: the order is recorded as expired, and refused."""

    slug, status, title = "quote-expired", 409, "The quote has expired"
    keeps_work = True


class OrderStateError(ConflictError):
    slug, title = "order-state", "The order is not in a state that allows this"


class PaymentMismatchError(LumbungError):
    slug, status, title = "payment-mismatch", 409, "The payment does not match the quote"


class WebhookSignatureError(UnauthorizedError):
    slug, title = "webhook-signature-invalid", "The webhook signature is invalid"


class WebhookEventReusedError(ConflictError):
    slug, title = "webhook-event-reused", "The event id was already used for another order"


class SiweMessageError(ValidationError):
    """A Sign-In with Ethereum message that does not follow EIP-4361."""

    slug, title = "siwe-malformed-message", "Malformed Sign-In with Ethereum message"


class SiweRejectedError(UnauthorizedError):
    """A well-formed Sign-In with Ethereum message that fails verification."""

    slug, title = "siwe-rejected", "Sign-In with Ethereum refused"


class VaultKeyErasedError(LumbungError):
    """The contribution's data key was destroyed; its ciphertext can never be decrypted."""

    slug, status, title = "contribution-erased", 410, "The contribution was erased"


class VaultIntegrityError(LumbungError):
    """Stored ciphertext failed authentication (tampered, truncated or reordered)."""

    slug, status, title = "vault-integrity", 502, "Stored data failed its integrity check"


# The gas relay (POST /v1/relay)


class RelayAbsentError(NotFoundError):
    """The deployment has no forwarder: nothing can be relayed."""

    slug, title = "relay-absent", "This deployment has no gas relay"


class RelayRequestError(ValidationError):
    """A relay request the API never sends: a target or function outside the allowlist, a
    value, a deadline or a gas limit out of bounds, a voucher for another deployment."""

    slug, title = "relay-request-refused", "The relay does not send this request"


class RelaySignatureError(ValidationError):
    """The signature is not the claimed signer's over this very request at their nonce: the
    request was altered after signing, or signed by someone else."""

    slug, title = "relay-signature-invalid", "The signature does not match the request"


class RelayReplayError(ConflictError):
    """A signed request the relay has already sent."""

    slug, title = "relay-replayed", "This signed request was already relayed"


class RelayQuotaError(RateLimitedError):
    """The signer has used up the relays of the current period."""

    slug, title = "relay-quota-exceeded", "The account has used up its relays for this period"


class RelayFundsError(LumbungError):
    """The gas relayer's account has too little ether to pay for the transaction."""

    slug, status, title = "relay-unfunded", 503, "The cooperative's gas relayer is out of ether"


class RelayPendingError(LumbungError):
    """The relayed transaction was sent and recorded but not mined in time; ``tx_hash`` says
    which transaction to watch."""

    slug, status, title = "relay-pending", 504, "The relayed transaction is not mined yet"
    keeps_work = True
