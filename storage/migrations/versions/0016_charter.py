"""The program charter, one row per version (scope, goals, deliverables, out of scope, success measures)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('charter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('goals', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('deliverables', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('out_of_scope', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('success_measures', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('author_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('inbox_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inbox_id', name='uq_charter_inbox_id'),
    sa.UniqueConstraint('program_id', 'version', name='uq_charter_version')
    )


def downgrade() -> None:
    op.drop_table('charter')
