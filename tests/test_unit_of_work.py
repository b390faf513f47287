"""The published unit of work: ``Project.transaction`` and ``Project.reading``."""

from __future__ import annotations

from pathlib import Path

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


def test_build_names_the_project_only_when_it_is_filled(tmp_path: Path) -> None:
    target = tmp_path / "new.qualcode"

    def fill(project: Project) -> str:
        assert not target.exists()  # built under a temporary name
        project.add_code("Coping")
        return project.name

    assert Project.build(target, fill) == str(target)  # messages name the target
    with Project.open(target) as project:
        assert [code.name for code in project.codes()] == ["Coping"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.qualcode"]


def test_a_failed_build_leaves_nothing(tmp_path: Path) -> None:
    def fill(project: Project) -> None:
        project.add_code("Coping")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        Project.build(tmp_path / "new.qualcode", fill, doing="merging")
    assert list(tmp_path.iterdir()) == []
