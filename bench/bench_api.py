"""Benchmark of the purchase API; writes bench/api.json.

    python -m bench.bench_api [--quick] [--load-only]

On a fresh Anvil with the cooperative deployed and 20 listed pools, the API served by uvicorn
(2 workers, SQLite) after the indexer caught up:

* ``catalog_rps`` and ``bare_rps``: requests per second of ``GET /v1/pools`` and of ``GET
  /livez`` (answers without touching the database or the chain), measured in the same run,
  alternately, with the same HTTP client and concurrency; the best of the rounds of each.
* ``orders_idempotent_dupes``: 200 concurrent ``POST /v1/orders`` carrying 100 distinct
  ``Idempotency-Key`` values; the number of orders beyond 100 that were created (must be 0).
* ``settle_per_s``: paid orders settled on-chain per second by the settlement worker.

Then, on SQLite and on PostgreSQL each (a fresh database, the same chain), bounded loopback load
against a real uvicorn (2 workers): bursts of ``LOAD_REQUESTS`` requests, ``LOAD_CONCURRENCY`` at
a time, of ``GET /v1/pools`` (``pools``), idempotent ``POST /v1/orders`` (``orders``: every
``Idempotency-Key`` sent twice) and ``GET /v1/auth/nonce`` (``nonce``); and a buyer's orders
(``buyer``: ``BUYER_ORDERS`` new orders, ``BUYER_CONCURRENCY`` at a time) alone and during a
nonce flood (``buyer_flood``) sent from another process and another loopback address
(127.0.0.2) for as long as the buyer runs (``nonce_flood``). Keys:
``load_<scenario>_<database>_{requests,errors,429,p50_ms,p99_ms,rps}``, where errors are
answers other than 2xx and 429, and transport failures (timeouts included); latencies are over
every answer. The benchmark's own client (127.0.0.1) is exempt from the rate limits
(``LUMBUNG_RATE_LIMIT_EXEMPT``); the flood's address is not, so the flood meets the nonce limit.
A burst stops sending after ``LOAD_MAX_S`` seconds, so a server that stalls cannot hold the run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import platform
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from api.context import Context
from api.db import migrate, transaction
from api.indexer.follower import index_until_head
from api.models import Order, OrderState
from api.services import buyers
from api.services.settlement import settle_pending
from api.settings import Settings
from bench.chain import BENCH_DIR, merge_json
from lumbung.devchain import PRODUCER, AnvilChain, Coop, start_anvil
from lumbung.devservices import serve_api, start_postgres
from lumbung.protocol import DEV_ADMIN_TOKEN

logger = logging.getLogger("bench.api")

POOLS = 20
CONCURRENCY = 16
ADMIN = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}

LOAD_REQUESTS, LOAD_CONCURRENCY, LOAD_MAX_S, LOAD_TIMEOUT_S = 2_000, 50, 120.0, 60.0
BUYER_ORDERS, BUYER_CONCURRENCY = 100, 4
BENCH_ADDRESS, FLOOD_ADDRESS = "127.0.0.1", "127.0.0.2"


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
    # DataMarket sells only pools that hold accepted content (DataMarketNoContent).
    coop = Coop(w3, context.chain.contracts)
    for pool_id in range(1, total + 1):
        contribution_id, _ = coop.submit(PRODUCER, pool_id, b"bench stock %d" % pool_id)
        coop.accept(contribution_id, 1)


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
        order_ids = list(session.scalars(select(Order.id).where(Order.status == OrderState.QUOTED)))
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


class Burst:
    """Statuses and latencies of one burst; status 0 is a transport failure (or timeout)."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.latencies: list[float] = []
        self.failures: Counter[str] = Counter()  # transport failures by exception type
        self.elapsed = 0.0

    def figures(self, prefix: str) -> dict[str, Any]:
        ordered = sorted(self.latencies) or [0.0]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        throttled = sum(1 for s in self.statuses if s == 429)
        return {
            f"{prefix}_requests": len(self.statuses),
            f"{prefix}_errors": sum(1 for s in self.statuses if not 200 <= s < 300 and s != 429),
            f"{prefix}_429": throttled,
            f"{prefix}_p50_ms": round(statistics.median(ordered) * 1000, 1),
            f"{prefix}_p99_ms": round(p99 * 1000, 1),
            f"{prefix}_rps": round(len(self.statuses) / self.elapsed, 1) if self.elapsed else 0.0,
        }


async def _burst(
    requests: list[dict[str, Any]],
    concurrency: int,
    local_address: str = BENCH_ADDRESS,
    stop: Any = None,
) -> Burst:
    """Sends ``requests`` (httpx.request keyword arguments), ``concurrency`` at a time.

    With ``stop`` (a multiprocessing event) the requests are cycled until it is set instead.
    """
    burst = Burst()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    transport = httpx.AsyncHTTPTransport(local_address=local_address, limits=limits)
    async with httpx.AsyncClient(transport=transport, timeout=LOAD_TIMEOUT_S) as client:
        started = time.perf_counter()
        deadline = started + LOAD_MAX_S
        position = 0

        async def worker() -> None:
            nonlocal position
            while time.perf_counter() < deadline:
                if stop is None:
                    if position >= len(requests):
                        return
                elif stop.is_set():
                    return
                request = requests[position % len(requests)]
                position += 1
                sent = time.perf_counter()
                try:
                    status = (await client.request(**request)).status_code
                except httpx.HTTPError as exc:
                    status = 0
                    burst.failures[type(exc).__name__] += 1
                burst.latencies.append(time.perf_counter() - sent)
                burst.statuses.append(status)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        burst.elapsed = time.perf_counter() - started
    return burst


def _flood(base: str, started: Any, stop: Any, results: Any) -> None:
    """A nonce flood from FLOOD_ADDRESS until ``stop`` is set (runs in its own process)."""
    started.set()
    request = {"method": "GET", "url": base + "/v1/auth/nonce"}
    burst = asyncio.run(_burst([request], LOAD_CONCURRENCY, FLOOD_ADDRESS, stop))
    results.put((burst.statuses, burst.latencies, burst.elapsed))


def _buyer_orders(base: str, api_key: str, tag: str) -> list[dict[str, Any]]:
    return [
        {
            "method": "POST",
            "url": base + "/v1/orders",
            "json": {"pool_id": 1 + i % POOLS, "purpose": "research"},
            "headers": {"X-API-Key": api_key, "Idempotency-Key": f"{tag}-{i}"},
        }
        for i in range(BUYER_ORDERS)
    ]


def measure_load(base: str, api_key: str, database: str) -> dict[str, Any]:
    """The bursts of the module docstring against the server at ``base``."""
    figures: dict[str, Any] = {}

    def record(scenario: str, burst: Burst) -> None:
        figures.update(burst.figures(f"load_{scenario}_{database}"))
        logger.info(
            "%s on %s: %s, statuses %s %s",
            scenario, database, burst.figures(""), sorted(Counter(burst.statuses).items()),
            dict(burst.failures),
        )

    pools = [{"method": "GET", "url": base + "/v1/pools"}] * LOAD_REQUESTS
    record("pools", asyncio.run(_burst(pools, LOAD_CONCURRENCY)))
    orders = [
        {
            "method": "POST",
            "url": base + "/v1/orders",
            "json": {"pool_id": 1, "purpose": "research"},
            "headers": {"X-API-Key": api_key, "Idempotency-Key": f"load-{database}-{i // 2}"},
        }
        for i in range(LOAD_REQUESTS)
    ]
    record("orders", asyncio.run(_burst(orders, LOAD_CONCURRENCY)))
    nonces = [{"method": "GET", "url": base + "/v1/auth/nonce"}] * LOAD_REQUESTS
    record("nonce", asyncio.run(_burst(nonces, LOAD_CONCURRENCY)))

    baseline = _buyer_orders(base, api_key, f"alone-{database}")
    record("buyer", asyncio.run(_burst(baseline, BUYER_CONCURRENCY)))
    spawn = multiprocessing.get_context("spawn")
    started, stop, results = spawn.Event(), spawn.Event(), spawn.Queue()
    flood = spawn.Process(target=_flood, args=(base, started, stop, results))
    flood.start()
    try:
        started.wait(60)
        time.sleep(1.0)  # the flood's client is up and sending
        during = _buyer_orders(base, api_key, f"flood-{database}")
        record("buyer_flood", asyncio.run(_burst(during, BUYER_CONCURRENCY)))
    finally:
        stop.set()
    statuses, latencies, elapsed = results.get(timeout=LOAD_TIMEOUT_S + 30)
    flood.join(30)
    flooded = Burst()
    flooded.statuses, flooded.latencies, flooded.elapsed = statuses, latencies, elapsed
    record("nonce_flood", flooded)
    return figures


def load_on(
    chain: AnvilChain, workdir: Path, database: str, database_url: str
) -> dict[str, Any]:
    """Serves a fresh database at ``database_url`` and runs :func:`measure_load` against it."""
    settings = bench_settings(chain, workdir, database_url)
    migrate(database_url)
    context = Context(settings)
    try:
        index_until_head(context)
        with transaction(context.sessions) as session:
            api_key = buyers.create_buyer(session, f"load-{database}").api_key
        log = workdir / f"api-load-{database}.log"
        server = serve_api(settings, log, workers=2)
        try:
            return measure_load(server.url, api_key, database)
        except Exception:
            logger.error("API log (tail):\n%s", log.read_text()[-30000:])
            raise
        finally:
            server.stop()
    finally:
        context.close()


def bench_settings(chain: AnvilChain, workdir: Path, database_url: str) -> Settings:
    return Settings(
        rpc_url=chain.rpc_url,
        deployment_file=chain.deployment_file,
        database_url=database_url,
        ipfs_root=workdir / "ipfs",
        dapp_dir=workdir / "no-dapp",
        rate_limit_exempt=BENCH_ADDRESS,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter load rounds")
    parser.add_argument(
        "--load-only", action="store_true", help="only the load bursts on both databases"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-api-") as tmp:
        workdir = Path(tmp)
        chain = start_anvil(workdir)
        try:
            settings = bench_settings(chain, workdir, f"sqlite:///{workdir / 'lumbung.db'}")
            migrate(settings.database_url)
            context = Context(settings)
            add_pools(chain, context, POOLS)
            figures: dict[str, Any] = {}
            figures.update(load_on(chain, workdir, "sqlite", f"sqlite:///{workdir / 'load.db'}"))
            postgres = start_postgres()
            try:
                figures.update(load_on(chain, workdir, "postgresql", postgres.create_database()))
            finally:
                postgres.stop()
            figures.update(
                {
                    "load_requests": LOAD_REQUESTS,
                    "load_concurrency": LOAD_CONCURRENCY,
                    "load_buyer_orders": BUYER_ORDERS,
                    "load_buyer_concurrency": BUYER_CONCURRENCY,
                }
            )
            if args.load_only:
                merge_json(BENCH_DIR / "api.json", figures)
                logger.info("wrote %s: %s", BENCH_DIR / "api.json", figures)
                context.close()
                return
            index_until_head(context)
            with transaction(context.sessions) as session:
                api_key = buyers.create_buyer(session, "bench").api_key
            server = serve_api(settings, workdir / "api.log", workers=2)
            try:
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
