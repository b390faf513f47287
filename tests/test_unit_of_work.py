"""The published unit of work: ``Project.transaction`` and ``Project.reading``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualcode.project import Project
from qualcode.store.models import AuditEvent, Setting


def _events(project: Project, action: str) -> list[tuple[str, str, dict[str, str]]]:
    with project.reading() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        return [(row.entity_type, row.actor, row.payload) for row in rows]


def test_a_transaction_commits_its_rows_with_its_audit_event(fresh_project: Project) -> None:
    with fresh_project.transaction("setting.set", "setting", key="colour") as session:
        session.add(Setting(key="colour", value="teal"))
        session.info["audit"]["value"] = "teal"
    assert fresh_project.setting("colour") == "teal"
    assert _events(fresh_project, "setting.set") == [
        ("setting", fresh_project.actor, {"key": "colour", "value": "teal"})
    ]


def test_a_failed_transaction_keeps_neither_rows_nor_event(fresh_project: Project) -> None:
    with (
        pytest.raises(RuntimeError, match="disk on fire"),
        fresh_project.transaction("setting.set", "setting", key="colour") as session,
    ):
        session.add(Setting(key="colour", value="teal"))
        session.flush()
        raise RuntimeError("disk on fire")
    assert fresh_project.setting("colour") is None
    assert _events(fresh_project, "setting.set") == []


def test_reading_never_commits(fresh_project: Project) -> None:
    with fresh_project.reading() as session:
        session.add(Setting(key="colour", value="teal"))
        session.flush()
    assert fresh_project.setting("colour") is None
