"""Request and response bodies, one module per router area.

``api.routers.<area>`` takes its bodies from ``api.schemas.<area>`` (auth, config, contributions,
dev, governance, health, ledger, members, orders, pools, purchases, webhooks); what several areas
share (problem documents, strict request bodies, amounts, uint256 parsing) is in
:mod:`api.schemas.common`. An area that shows another's resource imports that area's schema (a
member's contributions are ``contributions.ContributionPublic``).

One rule maps models to schemas: a schema that shows a row has ``from_model(row, ...)``, the only
place where a model's columns become response fields. Whoever holds the rows calls it: a router
for the resource a service hands back as a model (an order, a purchase, a contribution, a wallet
session), a read service for the view it assembles from several tables (a pool, a member, the
ledger, a proposal).
"""
