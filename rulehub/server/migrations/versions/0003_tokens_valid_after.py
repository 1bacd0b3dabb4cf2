"""accounts.tokens_valid_after: access tokens issued before it are refused

Revision ID: 0003_tokens_valid_after
Revises: 0002_portal
Create Date: 2026-12-02

Set when an account is disabled, so re-enabling it does not revive the access tokens it
had before (rulehub.server.core.security.verify_token).
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_tokens_valid_after'
down_revision = '0002_portal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens_valid_after', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('tokens_valid_after')
