"""artifact_blobs: pack artifacts stored in the database (RULEHUB_ARTIFACT_STORE=database)

Revision ID: 0005
Revises: 0003_tokens_valid_after
Create Date: 2026-12-02

Replicas on one PostgreSQL share artifacts through this table (rulehub.server.storage).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0003_tokens_valid_after'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'artifact_blobs',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sha256'),
    )


def downgrade() -> None:
    op.drop_table('artifact_blobs')
