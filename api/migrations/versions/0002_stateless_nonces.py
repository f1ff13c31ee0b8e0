"""stateless SIWE nonces: only consumed nonces are stored; sessions indexed by expiry

Revision ID: 0002_stateless_nonces
Revises: 0001
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_stateless_nonces"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Issued nonces were rows; they are HMAC-signed now, and an outstanding one simply stops
    # working: its holder asks for a new nonce (a minute's inconvenience at an upgrade).
    op.drop_table("siwe_nonces")
    op.create_table(
        "siwe_consumed_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_siwe_consumed_nonces")),
    )
    with op.batch_alter_table("siwe_consumed_nonces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_siwe_consumed_nonces_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("wallet_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wallet_sessions_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wallet_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallet_sessions_expires_at"))
    with op.batch_alter_table("siwe_consumed_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_siwe_consumed_nonces_expires_at"))
    op.drop_table("siwe_consumed_nonces")
    op.create_table(
        "siwe_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_siwe_nonces")),
    )
