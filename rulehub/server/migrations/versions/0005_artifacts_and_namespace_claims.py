"""artifact_blobs (artifacts in the database) and namespace_claims (publisher self-serve)

Revision ID: 0005
Revises: 0003_tokens_valid_after
Create Date: 2026-12-02

Replicas on one PostgreSQL share artifacts through artifact_blobs when
RULEHUB_ARTIFACT_STORE=database (rulehub.server.storage); namespace_claims holds publishers'
namespace requests and the operator's decisions (rulehub.server.services.namespaces).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
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

    op.create_table(
        'namespace_claims',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('skeleton', sa.String(length=64), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_namespace_claims_name', 'namespace_claims', ['name'])
    op.create_index('ix_namespace_claims_skeleton', 'namespace_claims', ['skeleton'])
    op.create_index('ix_namespace_claims_tenant_id', 'namespace_claims', ['tenant_id'])


def downgrade() -> None:
    op.drop_table('namespace_claims')
    op.drop_table('artifact_blobs')
