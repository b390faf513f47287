"""Widgets of the TUI: the transcript view (layout, cursor, codings) and the coding side panel."""

from __future__ import annotations

from .transcript import TranscriptView

__all__ = ["TranscriptView"]
