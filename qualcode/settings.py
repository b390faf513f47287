"""Per-user settings kept outside any project: the coder name to use by default.

Stored as JSON in the user's config folder (platformdirs), or in ``$QUALCODE_CONFIG_DIR`` when
that is set (tests, shared machines). Never holds project data.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def config_dir() -> Path:
    override = os.environ.get("QUALCODE_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("qualcode", appauthor=False))


def _path() -> Path:
    return config_dir() / "settings.json"


def load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(values: dict[str, Any]) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = load() | values
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def remembered_coder() -> str | None:
    name = load().get("coder")
    return name if isinstance(name, str) and name.strip() else None


def remember_coder(name: str) -> None:
    save({"coder": name})
