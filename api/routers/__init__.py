"""HTTP routers, one per area, versioned under /v1 (health and metrics at the root).

Each area adds its router to ``V1``; :func:`api.main.create_app` mounts them under ``/v1``.
"""

from __future__ import annotations

from fastapi import APIRouter

V1: list[APIRouter] = []

# The areas register after V1 exists.
from api.routers import config, dev, governance, ledger, members, pools  # noqa: E402

V1 += [config.router, dev.router]
V1 += [pools.router, members.router, ledger.router, governance.router]

from api.routers import auth, contributions, purchases  # noqa: E402

V1 += [auth.router, contributions.router, purchases.router]

from api.routers import orders, webhooks  # noqa: E402

V1 += [orders.router, webhooks.router]

from api.routers import relay  # noqa: E402

V1 += [relay.router]

from api.routers import batches, consents, curation, uploads  # noqa: E402

V1 += [consents.router, curation.router, uploads.router, batches.router]
V1 += [curation.member_router]

from api.routers import receipts  # noqa: E402

V1 += [receipts.router]
