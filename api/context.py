"""The long-lived parts one process shares: settings, database, chain gateway and IPFS."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.chain import Chain
from api.db import make_engine, make_sessionmaker
from api.ratelimit import RateLimiter
from api.relayer import LocalKeyRelayer
from api.services.relay import GasRelay
from api.settings import Settings
from ipfs.factory import open_ipfs
from ipfs.interface import IpfsBackend

logger = logging.getLogger(__name__)


@dataclass
class Context:
    """Built once per process (the API, the indexer, the worker) and closed on shutdown.

    Nothing here talks to the network when it is built: the chain gateway reads the deployment
    file and ABIs only, so the API starts (and reports 503) while the chain is down.
    """

    settings: Settings
    engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)
    # This process's token buckets (see api.ratelimit), built eagerly: requests share it.
    rate_limiter: RateLimiter = field(init=False, default_factory=RateLimiter)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.database_url)
        self.sessions = make_sessionmaker(self.engine)

    @cached_property
    def chain(self) -> Chain:
        chain = Chain(
            self.settings.rpc_url,
            self.settings.deployment_file,
            self.settings.artifacts_dir,
            timeout_s=self.settings.rpc_timeout_s,
        )
        self.settings.check_chain(chain.chain_id)
        return chain

    @cached_property
    def gas_relay(self) -> GasRelay:
        """The gas relayer of the members' relayed actions; one per process (its nonces are
        one sequence)."""
        relayer = LocalKeyRelayer(
            self.chain,
            self.settings.gas_relayer_key.get_secret_value(),
            receipt_timeout_s=self.settings.relay_receipt_timeout_s,
        )
        return GasRelay(relayer, self.settings.relay_max_deadline_s)

    @cached_property
    def ipfs(self) -> IpfsBackend:
        return open_ipfs(
            self.settings.ipfs_mode, root=self.settings.ipfs_root, kubo_url=self.settings.kubo_url
        )

    def close(self) -> None:
        if "ipfs" in self.__dict__:
            self.ipfs.close()
        self.engine.dispose()
