"""Records: every kind in one table, with its key as shown, kind-specific details, who closed it, a
version for its canonical message and the inbound request that created it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PREFIXES = {"blocker": "B", "risk": "R"}  # the kinds that existed before this revision


def upgrade() -> None:
    with op.batch_alter_table('raid_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('details', storage.types.JSONDoc, nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('inbox_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.create_unique_constraint('uq_raid_item_inbox_id', ['inbox_id'])
    for kind, prefix in PREFIXES.items():
        op.execute(sa.text("UPDATE raid_item SET key = :prefix || number WHERE kind = :kind")
                   .bindparams(prefix=f"{prefix}-", kind=kind))
    # Who closed a record was only in its history: the last closing event's actor.
    op.execute(sa.text(
        "UPDATE raid_item SET closed_by = (SELECT e.actor_id FROM raid_item_event e WHERE e.item_id = raid_item.id "
        "AND e.action IN ('resolved', 'closed', 'mitigated', 'occurred') ORDER BY e.at DESC, e.id DESC LIMIT 1) "
        "WHERE status <> 'open'"))


def downgrade() -> None:
    with op.batch_alter_table('raid_item', schema=None) as batch_op:
        batch_op.drop_constraint('uq_raid_item_inbox_id', type_='unique')
        batch_op.drop_column('inbox_id')
        batch_op.drop_column('version')
        batch_op.drop_column('details')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('key')
