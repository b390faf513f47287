"""``qapp``: the running :class:`QualcodeApp`, typed, for the screens (``self.app`` is typed
as Textual's ``App``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from .app import QualcodeApp


class UsesApp:
    """Mixed into a screen (before its Textual base): ``self.qapp`` is the QualcodeApp."""

    @property
    def qapp(self) -> QualcodeApp:
        return cast("QualcodeApp", self.app)  # type: ignore[attr-defined]
