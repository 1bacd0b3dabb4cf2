"""billing and teams: plan prices and providers, pending plan changes, checkout sessions,
invoices, invitations, mailed account tokens, verified emails

Revision ID: 0004
Revises: 0003_tokens_valid_after
Create Date: 2026-12-02

The free plan gets billing "none" (it never lapses), pro "stripe", enterprise "invoice";
see docs/billing.md.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003_tokens_valid_after'
branch_labels = None
depends_on = None

PRICES = {"free": (0, "none"), "pro": (2900, "stripe"), "enterprise": (49900, "invoice")}


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_cents', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('billing', sa.String(length=16), nullable=False, server_default='none'))
    plans = sa.table('plans', sa.column('name', sa.String), sa.column('price_cents', sa.Integer),
                     sa.column('billing', sa.String))
    for name, (cents, billing) in PRICES.items():
        op.execute(plans.update().where(plans.c.name == name).values(price_cents=cents, billing=billing))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('provider', sa.String(length=16), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('customer_ref', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('subscription_ref', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key('fk_subscriptions_pending_plan', 'plans', ['pending_plan_id'], ['id'])
        batch_op.create_unique_constraint('uq_subscriptions_customer_ref', ['customer_ref'])
        batch_op.create_unique_constraint('uq_subscriptions_subscription_ref', ['subscription_ref'])
    op.create_table('checkout_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ref', sa.String(length=200), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id']),
        sa.ForeignKeyConstraint(['created_by'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ref'),
    )
    op.create_index('ix_checkout_sessions_tenant_id', 'checkout_sessions', ['tenant_id'])
    op.create_table('invoices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=64), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('payment_reference', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
    )
    op.create_index('ix_invoices_tenant_id', 'invoices', ['tenant_id'])
    op.create_table('invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('invited_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.ForeignKeyConstraint(['invited_by'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_invitations_tenant_id', 'invitations', ['tenant_id'])
    op.create_table('account_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=32), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_account_tokens_account_id', 'account_tokens', ['account_id'])


def downgrade() -> None:
    op.drop_table('account_tokens')
    op.drop_table('invitations')
    op.drop_table('invoices')
    op.drop_table('checkout_sessions')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_subscriptions_subscription_ref', type_='unique')
        batch_op.drop_constraint('uq_subscriptions_customer_ref', type_='unique')
        batch_op.drop_constraint('fk_subscriptions_pending_plan', type_='foreignkey')
        batch_op.drop_column('subscription_ref')
        batch_op.drop_column('customer_ref')
        batch_op.drop_column('provider')
        batch_op.drop_column('pending_plan_id')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('billing')
        batch_op.drop_column('price_cents')
