"""Index posted messages by channel and ts and by target, and members by timezone

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=''))
        batch_op.create_index('ix_outbound_posted', ['channel', 'result_ts'], unique=False)
        batch_op.create_index('ix_outbound_target', ['target', 'result_ts'], unique=False)
    # Rows queued before: their channel is the best account of where they were addressed.
    op.execute("UPDATE outbound_message SET target = channel")
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.alter_column('target', server_default=None)
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index('ix_member_timezone', ['timezone'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('ix_member_timezone')
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_target')
        batch_op.drop_index('ix_outbound_posted')
        batch_op.drop_column('target')
