"""Channel facts: whether a program's channel is private, and its members, cached for the portfolio

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channel_fact',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('members', storage.types.JSONDoc, nullable=False),
    sa.Column('checked_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('is_private', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'channel_id', name='uq_channel_fact')
    )


def downgrade() -> None:
    op.drop_table('channel_fact')
