"""Programs can be archived; program settings move from flat keys to one section per feature

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

The settings document was flat (`blocker_sla_hours`, `risk_threshold`, `escalation_steps_hours`,
`escalation_steps_hours_critical`, `status_report`); it becomes the sections of
bot.services.program_settings.ProgramSettings (`blockers`, `escalations`, `status_report`). Keys no
version of tpmbot ever wrote are dropped (the model refuses unknown keys). The mapping is written out
here, not imported, so this migration keeps meaning what it meant when the model changes.
"""

from alembic import op
import sqlalchemy as sa

import storage.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# flat key -> (section, field)
FLAT_TO_SECTIONED = {
    "blocker_sla_hours": ("blockers", "sla_hours"),
    "risk_threshold": ("escalations", "risk_threshold"),
    "escalation_steps_hours": ("escalations", "steps_hours"),
    "escalation_steps_hours_critical": ("escalations", "steps_hours_critical"),
}
STATUS_REPORT_FIELDS = ("enabled", "day", "time", "channel")


def sectioned(flat: dict) -> dict:
    out: dict = {}
    for key, (section, field) in FLAT_TO_SECTIONED.items():
        if flat.get(key) not in (None, {}, []):
            out.setdefault(section, {})[field] = flat[key]
    report = flat.get("status_report")
    if isinstance(report, dict):
        kept = {k: report[k] for k in STATUS_REPORT_FIELDS if k in report}
        if kept:
            out["status_report"] = kept
    return out


def flat(doc: dict) -> dict:
    out: dict = {}
    for key, (section, field) in FLAT_TO_SECTIONED.items():
        value = (doc.get(section) or {}).get(field)
        if value is not None:
            out[key] = value
    if doc.get("status_report"):
        out["status_report"] = dict(doc["status_report"])
    return out


_program = sa.table('program', sa.column('id', sa.Integer), sa.column('settings', storage.types.JSONDoc))


def _rewrite(convert) -> None:
    connection = op.get_bind()
    for program_id, settings in connection.execute(sa.select(_program.c.id, _program.c.settings)).all():
        new = convert(settings or {})
        if new != settings:
            connection.execute(_program.update().where(_program.c.id == program_id).values(settings=new))


def upgrade() -> None:
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', storage.types.UTCDateTime(), nullable=True))
    _rewrite(sectioned)


def downgrade() -> None:
    _rewrite(flat)
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
