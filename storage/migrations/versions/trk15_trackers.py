"""Trackers: connections, webhook deliveries, links between records and tracker objects

Revision ID: trk15_trackers
Revises: dep14_dependencies
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = 'trk15_trackers'
down_revision = 'dep14_dependencies'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tracker_connection',
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('connected_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('display', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('query', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('default_branch', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('connected_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'tracker', name='uq_tracker_connection_program'),
    sa.UniqueConstraint('tracker', 'target', name='uq_tracker_connection_target')
    )
    op.create_table('tracker_delivery',
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracker', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('delivery_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['tracker_connection.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tracker', 'delivery_id', name='uq_tracker_delivery')
    )
    op.create_table('tracker_link',
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['raid_item.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'external_key', name='uq_tracker_link')
    )


def downgrade() -> None:
    op.drop_table('tracker_link')
    op.drop_table('tracker_delivery')
    op.drop_table('tracker_connection')
