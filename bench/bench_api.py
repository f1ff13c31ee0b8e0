"""Benchmark of the purchase API; writes bench/api.json.

    python -m bench.bench_api [--quick]

On a fresh Anvil with the cooperative deployed and 20 listed pools, the API served by uvicorn
(2 workers, SQLite) after the indexer caught up:

* ``catalog_rps`` and ``bare_rps``: requests per second of ``GET /v1/pools`` and of ``GET
  /livez`` (answers without touching the database or the chain), measured in the same run,
  alternately, with the same HTTP client and concurrency; the best of the rounds of each.
* ``orders_idempotent_dupes``: 200 concurrent ``POST /v1/orders`` carrying 100 distinct
  ``Idempotency-Key`` values; the number of orders beyond 100 that were created (must be 0).
* ``settle_per_s``: paid orders settled on-chain per second by the settlement worker.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from api.context import Context
from api.db import migrate, transaction
from api.indexer.follower import index_until_head
from api.models import Order
from api.services import buyers
from api.services.settlement import settle_pending
from api.settings import Settings
from bench.chain import BENCH_DIR, merge_json
from tests.api.harness import AnvilChain, serve_api, start_anvil

logger = logging.getLogger("bench.api")

POOLS = 20
CONCURRENCY = 16
ADMIN = {"Authorization": "Bearer lumbung-dev-admin"}


def add_pools(chain: AnvilChain, context: Context, total: int) -> None:
    """Lists pools up to ``total`` as the timelock (the contracts' admin) would."""
    w3 = chain.w3
    timelock = context.chain["TimelockController"].address
    w3.provider.make_request("anvil_impersonateAccount", [timelock])  # type: ignore[arg-type]
    w3.provider.make_request("anvil_setBalance", [timelock, hex(10**20)])  # type: ignore[arg-type]
    registry, market = context.chain["ContributionRegistry"], context.chain["DataMarket"]
    existing = registry.functions.poolCount().call()
    for pool_id in range(existing + 1, total + 1):
        for call in (
            registry.functions.createPool(f"Bench pool {pool_id}", ""),
            market.functions.setListing(pool_id, 5_000_000 + pool_id, 0b1111, True, b""),
        ):
            tx = call.transact({"from": timelock})
            w3.eth.wait_for_transaction_receipt(tx)


async def _load(url: str, seconds: float) -> float:
    """Requests per second of GET ``url`` with CONCURRENCY clients for ``seconds``."""
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    done = 0
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                response = await client.get(url)
                response.raise_for_status()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return done / (time.perf_counter() - started)


def measure_rps(base: str, rounds: int, seconds: float) -> dict[str, float]:
    asyncio.run(_load(base + "/v1/pools", 1.0))  # warm both paths up
    asyncio.run(_load(base + "/livez", 1.0))
    catalog, bare = [], []
    for _ in range(rounds):
        catalog.append(asyncio.run(_load(base + "/v1/pools", seconds)))
        bare.append(asyncio.run(_load(base + "/livez", seconds)))
    return {"catalog_rps": round(max(catalog), 1), "bare_rps": round(max(bare), 1)}


async def _concurrent_orders(base: str, api_key: str, keys: list[str]) -> list[int]:
    headers = {"X-API-Key": api_key}
    async with httpx.AsyncClient(timeout=60) as client:

        async def create(key: str) -> int:
            response = await client.post(
                base + "/v1/orders",
                json={"pool_id": 1, "purpose": "research"},
                headers={**headers, "Idempotency-Key": key},
            )
            return response.status_code

        return await asyncio.gather(*(create(k) for k in keys))


def measure_idempotency(base: str, context: Context, api_key: str) -> dict[str, Any]:
    keys = [f"bench-{i % 100}" for i in range(200)]
    statuses = asyncio.run(_concurrent_orders(base, api_key, keys))
    with context.sessions() as session:
        created = session.scalar(select(func.count()).select_from(Order)) or 0
    if any(status >= 500 for status in statuses):
        raise RuntimeError(f"server errors during concurrent order creation: {sorted(statuses)}")
    return {
        "orders_idempotent_requests": len(keys),
        "orders_idempotent_keys": 100,
        "orders_idempotent_created": created,
        "orders_idempotent_dupes": created - 100,
        "orders_idempotent_statuses": sorted({str(s) for s in statuses}),
    }


def measure_settlement(base: str, context: Context) -> dict[str, Any]:
    """Pays every quoted order, then times the worker settling them all on-chain."""
    with context.sessions() as session:
        order_ids = list(session.scalars(select(Order.id).where(Order.status == "quoted")))
    with httpx.Client(timeout=30) as client:
        for order_id in order_ids:
            response = client.post(
                f"{base}/v1/orders/{order_id}/payment",
                json={"payment_ref": f"bench-{order_id}"},
                headers=ADMIN,
            )
            response.raise_for_status()
    started = time.perf_counter()
    while True:
        settle_pending(context)
        with context.sessions() as session:
            settled = session.scalar(
                select(func.count()).select_from(Order).where(Order.status == "settled")
            )
        if settled == len(order_ids):
            break
        if time.perf_counter() - started > 600:
            raise RuntimeError(f"only {settled} of {len(order_ids)} orders settled in 600 s")
    elapsed = time.perf_counter() - started
    return {"settled_orders": len(order_ids), "settle_per_s": round(len(order_ids) / elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter load rounds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-api-") as tmp:
        workdir = Path(tmp)
        chain = start_anvil(workdir)
        try:
            settings = Settings(
                rpc_url=chain.rpc_url,
                deployment_file=chain.deployment_file,
                database_url=f"sqlite:///{workdir / 'lumbung.db'}",
                ipfs_root=workdir / "ipfs",
                dapp_dir=workdir / "no-dapp",
            )
            migrate(settings.database_url)
            context = Context(settings)
            add_pools(chain, context, POOLS)
            index_until_head(context)
            with transaction(context.sessions) as session:
                api_key = buyers.create_buyer(session, "bench").api_key
            server = serve_api(settings, workdir / "api.log", workers=2)
            try:
                figures: dict[str, Any] = {}
                rounds, seconds = (2, 2.0) if args.quick else (3, 5.0)
                figures.update(measure_rps(server.url, rounds, seconds))
                figures["catalog_over_bare"] = round(
                    figures["catalog_rps"] / figures["bare_rps"], 3
                )
                figures.update(measure_idempotency(server.url, context, api_key))
                figures.update(measure_settlement(server.url, context))
            except Exception:
                log = (workdir / "api.log").read_text()
                logger.error("API log (tail):\n%s", log[-30000:])
                raise
            finally:
                server.stop()
            figures.update(
                {
                    "api_concurrency": CONCURRENCY,
                    "api_server_workers": 2,
                    "api_pools": POOLS,
                    "api_machine": f"{platform.machine()}, {platform.python_version()}",
                }
            )
            merge_json(BENCH_DIR / "api.json", figures)
            logger.info("wrote %s: %s", BENCH_DIR / "api.json", figures)
            context.close()
        finally:
            chain.stop()


if __name__ == "__main__":
    main()
