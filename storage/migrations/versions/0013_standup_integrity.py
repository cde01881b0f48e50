"""Stand-ups: one current answer per (run, person) as a partial UNIQUE index, and out-of-office stretches

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    # Concurrent answers may have left several current rows for one (run, person): the latest stays current.
    op.execute("""
        UPDATE standup_answer SET superseded = true
        WHERE NOT superseded AND id < (SELECT MAX(newer.id) FROM standup_answer AS newer
                                       WHERE newer.run_id = standup_answer.run_id
                                         AND newer.user_id = standup_answer.user_id AND NOT newer.superseded)
    """)
    with op.batch_alter_table('standup_answer', schema=None) as batch_op:
        batch_op.create_index('uq_answer_current', ['run_id', 'user_id'], unique=True,
                              sqlite_where=sa.text('NOT superseded'), postgresql_where=sa.text('NOT superseded'))
    # Concurrent answers may also have lost roster appends: whoever answered a run is on its roster.
    runs = sa.table('standup_run', sa.column('id', sa.Integer()), sa.column('roster', storage.types.JSONDoc))
    answers = sa.table('standup_answer', sa.column('run_id', sa.Integer()), sa.column('user_id', sa.String()))
    answered: dict[int, list[str]] = {}
    for run_id, user_id in bind.execute(sa.select(answers.c.run_id, answers.c.user_id).distinct()
                                        .order_by(answers.c.run_id, answers.c.user_id)):
        answered.setdefault(run_id, []).append(user_id)
    for run_id, roster in bind.execute(sa.select(runs.c.id, runs.c.roster)).all():
        missing = [user for user in answered.get(run_id, []) if user not in (roster or [])]
        if missing:
            bind.execute(runs.update().where(runs.c.id == run_id).values(roster=[*(roster or []), *missing]))

    op.create_table('out_of_office',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('first_day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('last_day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('until', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('out_of_office', schema=None) as batch_op:
        batch_op.create_index('ix_ooo_member', ['team_id', 'user_id', 'last_day'], unique=False)
    # Whoever is out now keeps being out: from today (their start was never recorded) to their return.
    now = datetime.now(timezone.utc)
    members = sa.table('member', sa.column('team_id', sa.String()), sa.column('user_id', sa.String()),
                       sa.column('timezone', sa.String()), sa.column('ooo_until', storage.types.UTCDateTime()))
    ooo = sa.table('out_of_office', sa.column('team_id', sa.String()), sa.column('user_id', sa.String()),
                   sa.column('first_day', sa.String()), sa.column('last_day', sa.String()),
                   sa.column('until', storage.types.UTCDateTime()), sa.column('created_at', storage.types.UTCDateTime()))
    rows = []
    for team_id, user_id, tz, until in bind.execute(sa.select(members.c.team_id, members.c.user_id, members.c.timezone,
                                                              members.c.ooo_until).where(members.c.ooo_until > now)):
        try:
            zone = ZoneInfo(tz)
        except Exception:  # an unknown zone name: UTC is as good a guess as any
            zone = timezone.utc
        rows.append({"team_id": team_id, "user_id": user_id, "first_day": now.astimezone(zone).date().isoformat(),
                     "last_day": until.astimezone(zone).date().isoformat(), "until": until, "created_at": now})
    if rows:
        bind.execute(ooo.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table('out_of_office', schema=None) as batch_op:
        batch_op.drop_index('ix_ooo_member')
    op.drop_table('out_of_office')
    with op.batch_alter_table('standup_answer', schema=None) as batch_op:
        batch_op.drop_index('uq_answer_current')
