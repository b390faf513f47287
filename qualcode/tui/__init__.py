"""The Textual terminal UI: presentation only, over ``qualcode.project.Project``.

Nothing outside this package imports Textual (tests/test_architecture.py checks it).
"""

from __future__ import annotations

from .app import QualcodeApp, make_app

__all__ = ["QualcodeApp", "make_app"]
