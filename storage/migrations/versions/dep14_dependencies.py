"""Dependencies: who a D-n is asked of (a program or a person)

Revision ID: dep14_dependencies
Revises: 0018
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'dep14_dependencies'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dependency_party',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('requester_program_id', sa.Integer(), nullable=False),
    sa.Column('provider_program_id', sa.Integer(), nullable=True),
    sa.Column('provider_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['raid_item.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_program_id'], ['program.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_program_id'], ['program.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id')
    )
    op.create_index('ix_dependency_provider_program', 'dependency_party', ['provider_program_id'], unique=False)
    op.create_index('ix_dependency_provider_user', 'dependency_party', ['team_id', 'provider_user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_dependency_provider_user', table_name='dependency_party')
    op.drop_index('ix_dependency_provider_program', table_name='dependency_party')
    op.drop_table('dependency_party')
