"""One place for every setting of the API, the indexer and the settlement worker.

Values come from ``LUMBUNG_*`` environment variables. The embedded defaults run the local
cooperative of ``make run``: Anvil on 127.0.0.1:8545, SQLite and the embedded IPFS store under
``.lumbung/``, and development keys that :meth:`Settings.check_chain` refuses on any chain that
is not a local development chain.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.redaction import redact_url
from lumbung.protocol import (
    DEV_ADMIN_TOKEN,
    DEV_AGGREGATOR_KEY,
    DEV_CHAIN_IDS,
    DEV_GAS_RELAYER_KEY,
    DEV_REGISTRAR_KEY,
    DEV_RELAYER_KEY,
)

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".lumbung"

# Development keys and the admin token (lumbung.protocol's DEV_*: Anvil's public accounts 5 and
# 1) and the defaults below work only on lumbung.protocol.DEV_CHAIN_IDS.
# 32 bytes, hex: the key-encryption key of the local cooperative.
DEV_KEK = "4c756d62756e67206465762d6f6e6c79206b65792d656e6372797074696f6e21"
DEV_WEBHOOK_SECRET = "lumbung-dev-webhook"  # noqa: S105 (a development default)
DEV_MIDTRANS_SERVER_KEY = "lumbung-dev-midtrans"
DEV_NONCE_SECRET = "lumbung-dev-siwe-nonce"  # noqa: S105 (same)

# A rate limit is "<requests>/<seconds>": a token bucket per client address and route class
# that holds at most <requests> tokens and earns them back evenly over <seconds>.
RATE_LIMIT_PATTERN = r"^[1-9][0-9]{0,8}/[1-9][0-9]{0,8}$"

# The sign-in audience of the local API: on a public chain, a message signed for another
# deployment's local default would be accepted here.
DEV_SIWE_DOMAIN = "127.0.0.1:8000"
DEV_SIWE_URI = "http://127.0.0.1:8000"


class DevelopmentKeyError(RuntimeError):
    """A development key (or the local sign-in audience) was configured for a chain that is not a
    local development chain."""


class Settings(BaseSettings):
    """Settings of the API process, the indexer and the settlement worker."""

    model_config = SettingsConfigDict(env_prefix="LUMBUNG_", extra="ignore")

    # Chain
    # Private: provider URLs carry their API key; it never leaves the server (see api.redaction).
    rpc_url: str = "http://127.0.0.1:8545"
    # The RPC the dApp's users may see. Unset: the dApp gets rpc_url on a development chain
    # when it has no userinfo, path or query, and no RPC otherwise (it reads through the wallet).
    public_rpc_url: str | None = None
    rpc_timeout_s: float = 10.0
    deployment_file: Path = ROOT / "deployments" / "development.json"
    artifacts_dir: Path = ROOT / "build" / "contracts"
    confirmations: int = Field(default=0, ge=0)

    # Storage
    database_url: str = f"sqlite:///{DATA_DIR / 'lumbung.db'}"
    ipfs_mode: Literal["embedded", "kubo"] = "embedded"
    ipfs_root: Path = DATA_DIR / "ipfs"
    kubo_url: str = "http://127.0.0.1:5001"
    # The vault's key store (api.services.keystore): keep it out of the database's backups.
    keystore_dir: Path = DATA_DIR / "keystore"

    # Secrets
    relayer_key: SecretStr = SecretStr(DEV_RELAYER_KEY)
    # The account that pays the gas of the members' relayed actions (POST /v1/relay).
    gas_relayer_key: SecretStr = SecretStr(DEV_GAS_RELAYER_KEY)
    registrar_key: SecretStr | None = None
    # The account that sends ContributionRegistry.submitBatch (AGGREGATOR_ROLE).
    aggregator_key: SecretStr = SecretStr(DEV_AGGREGATOR_KEY)
    kek: SecretStr = SecretStr(DEV_KEK)
    admin_token: SecretStr = SecretStr(DEV_ADMIN_TOKEN)
    webhook_secret: SecretStr = SecretStr(DEV_WEBHOOK_SECRET)
    midtrans_server_key: SecretStr = SecretStr(DEV_MIDTRANS_SERVER_KEY)
    # HMAC key of the stateless SIWE nonces; every API process behind one database shares it.
    nonce_secret: SecretStr = SecretStr(DEV_NONCE_SECRET)

    # Sign-In with Ethereum
    siwe_domain: str = DEV_SIWE_DOMAIN
    siwe_uri: str = DEV_SIWE_URI
    siwe_nonce_ttl_s: int = 600
    session_ttl_s: int = 24 * 3600

    # Orders, uploads and delivery
    quote_ttl_s: int = 900
    max_upload_bytes: int = 64 * 1024 * 1024
    webhook_tolerance_s: int = 300

    # Payment webhooks: the providers served at /v1/webhooks/payments/<name>, comma-separated
    # (hmac, midtrans). Midtrans charges rupiah: it pays for orders quoted in the IDR-pegged
    # payment token named here, whose base units are 10^-decimals of a rupiah.
    payment_providers: str = "hmac"
    midtrans_symbol: str = "IDR"
    midtrans_decimals: int = Field(default=0, ge=0, le=36)

    # Per-client rate limits (in memory, per API process: N processes allow N times as much)
    rate_limits_enabled: bool = True
    rate_limit_nonce: str = Field(default="60/60", pattern=RATE_LIMIT_PATTERN)
    rate_limit_signin: str = Field(default="20/60", pattern=RATE_LIMIT_PATTERN)
    rate_limit_upload: str = Field(default="20/60", pattern=RATE_LIMIT_PATTERN)
    rate_limit_orders: str = Field(default="120/60", pattern=RATE_LIMIT_PATTERN)
    rate_limit_relay: str = Field(default="30/60", pattern=RATE_LIMIT_PATTERN)
    # Client addresses never limited, comma-separated (monitoring, an internal batch client).
    rate_limit_exempt: str = ""

    # Background work
    indexer_poll_s: float = 1.0
    indexer_batch_blocks: int = Field(default=2_000, ge=1)
    worker_poll_s: float = 1.0
    worker_receipt_timeout_s: float = 60.0
    worker_max_backoff_s: float = 60.0
    # Settled orders younger than this are checked against the chain at start and every
    # worker_reconcile_every_s: a node that lost its last blocks loses their settlements too.
    worker_reconcile_window_s: float = Field(default=24 * 3600.0, ge=0)
    worker_reconcile_every_s: float = Field(default=300.0, gt=0)
    retry_after_s: int = 5
    # How often the worker deletes expired consumed nonces and expired wallet sessions.
    worker_sweep_s: float = Field(default=300.0, gt=0)

    # Gas relay: how far ahead a signed request's deadline may lie, and how long a relayed
    # transaction may take to be mined before the request is answered without its receipt.
    relay_max_deadline_s: int = Field(default=3600, ge=1)
    relay_receipt_timeout_s: float = Field(default=30.0, gt=0)

    # The batch path: how far ahead a member's consent deadline may lie; how often the worker
    # aggregates reviewed contributions into batches, and how many reviews one batch carries.
    consent_max_deadline_s: int = Field(default=30 * 24 * 3600, ge=60)
    aggregate_every_s: float = Field(default=60.0, gt=0)
    batch_max_reviews: int = Field(default=1024, ge=1)

    # The dApp's built files, served at /
    dapp_dir: Path = ROOT / "dapp" / "dist"

    def check_chain(self, chain_id: int) -> None:
        """Refuse development keys, and the local sign-in audience, on any chain that is not a
        local development chain."""
        if chain_id in DEV_CHAIN_IDS:
            return
        defaults = {
            "LUMBUNG_RELAYER_KEY": (_plain(self.relayer_key), DEV_RELAYER_KEY),
            "LUMBUNG_GAS_RELAYER_KEY": (_plain(self.gas_relayer_key), DEV_GAS_RELAYER_KEY),
            "LUMBUNG_AGGREGATOR_KEY": (_plain(self.aggregator_key), DEV_AGGREGATOR_KEY),
            "LUMBUNG_REGISTRAR_KEY": (_plain(self.registrar_key), DEV_REGISTRAR_KEY),
            "LUMBUNG_KEK": (_plain(self.kek), DEV_KEK),
            "LUMBUNG_ADMIN_TOKEN": (_plain(self.admin_token), DEV_ADMIN_TOKEN),
            "LUMBUNG_WEBHOOK_SECRET": (_plain(self.webhook_secret), DEV_WEBHOOK_SECRET),
            # Checked only where Midtrans is enabled: elsewhere its key is never used.
            "LUMBUNG_MIDTRANS_SERVER_KEY": (
                _plain(self.midtrans_server_key)
                if "midtrans" in self.enabled_payment_providers
                else None,
                DEV_MIDTRANS_SERVER_KEY,
            ),
            "LUMBUNG_NONCE_SECRET": (_plain(self.nonce_secret), DEV_NONCE_SECRET),
            "LUMBUNG_SIWE_DOMAIN": (self.siwe_domain, DEV_SIWE_DOMAIN),
            "LUMBUNG_SIWE_URI": (self.siwe_uri.rstrip("/"), DEV_SIWE_URI),
        }
        offending = [
            name
            for name, (value, dev) in defaults.items()
            if value is not None and value.lower() == dev.lower()
        ]
        if offending:
            raise DevelopmentKeyError(
                f"chain {chain_id} is not a development chain; set your own {', '.join(offending)}"
            )

    def rate_limit(self, route_class: str) -> tuple[int, float]:
        """The (capacity, refill seconds) of ``route_class``'s bucket: nonce, signin, upload,
        orders, relay."""
        requests, seconds = str(getattr(self, f"rate_limit_{route_class}")).split("/")
        return int(requests), float(seconds)

    @property
    def enabled_payment_providers(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.payment_providers.split(",") if p.strip())

    @property
    def rate_limit_exempt_addresses(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.rate_limit_exempt.split(",") if a.strip())

    def dapp_rpc_url(self, chain_id: int) -> str | None:
        """The RPC URL the dApp may show its users: ``public_rpc_url``, else ``rpc_url`` only on
        a development chain and only when it has nothing to hide (no userinfo, path or query)."""
        if self.public_rpc_url is not None:
            return self.public_rpc_url
        plain = redact_url(self.rpc_url) == self.rpc_url.rstrip("/")
        return self.rpc_url if chain_id in DEV_CHAIN_IDS and plain else None

    @property
    def dev_registrar_key(self) -> str | None:
        """The registrar key the development voucher endpoint signs with, if any."""
        return self.registrar_key.get_secret_value() if self.registrar_key else None


def _plain(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
