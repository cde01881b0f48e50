"""Stand-ups: settings, daily runs with snapshots, answers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('standup_config',
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('local_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('days', storage.types.JSONDoc, nullable=False),
    sa.Column('questions', storage.types.JSONDoc, nullable=False),
    sa.Column('participants', storage.types.JSONDoc, nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('reminder_minutes', sa.Integer(), nullable=False),
    sa.Column('cutoff', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('digest_channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('program_id')
    )
    op.create_table('standup_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('questions', storage.types.JSONDoc, nullable=False),
    sa.Column('roster', storage.types.JSONDoc, nullable=False),
    sa.Column('cutoff_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('digest_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('digest_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('prompt_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('prompt_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program_id', 'day', name='uq_standup_run_day')
    )
    op.create_table('standup_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('yesterday', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('today', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('blockers', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('skip_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['standup_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('standup_answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_run_user', ['run_id', 'user_id', 'superseded'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('standup_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_run_user')

    op.drop_table('standup_answer')
    op.drop_table('standup_run')
    op.drop_table('standup_config')

