"""The keys under which suggestions keep their state in a project's ``settings``, per coder: the
last evaluation (what calibrates the scores) and the cache of a run's suggestions."""

from __future__ import annotations

import hashlib

EVALUATION_SETTING = "suggest.evaluation"
CACHE_SETTING = "suggest.cache"


def evaluation_key(coder: str | None) -> str:
    return setting_key(EVALUATION_SETTING, coder)


def cache_key(coder: str | None) -> str:
    return setting_key(CACHE_SETTING, coder)


def setting_key(prefix: str, coder: str | None) -> str:
    """``prefix:coder``, the coder's name hashed when the key would not fit its column."""
    key = f"{prefix}:{coder or '*'}"
    if len(key) <= 100:
        return key
    return f"{prefix}:#" + hashlib.sha256((coder or "").encode("utf-8")).hexdigest()[:32]
