"""The domain's fixed words: document kinds, speaker and coder roles, coding origins.

They live apart from the ORM (``store/models.py`` uses them in its check constraints) so that
packages above the project boundary (interop, reports, teams, the TUI) can name them without
importing the database layer.
"""

from __future__ import annotations

DOCUMENT_KINDS = ("interview", "focus-group", "notes", "survey-response")
SPEAKER_ROLES = ("interviewer", "participant", "staff", "other")
CODER_ROLES = ("coder", "supervisor", "consensus")
ORIGINS = ("manual", "suggestion", "autocode", "consensus", "imported")
ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date")
SUGGESTION_STATUSES = ("pending", "accepted", "rejected")
CONSENSUS_CODER = "consensus"
RECONCILE_CHOICES = ("coder", "all", "neither", "edit", "agreed")
