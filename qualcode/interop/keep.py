"""What an import kept for the way back, as the export reads it: the ``refi.`` settings.

The project writes them when it stores an import, so their keys and their reader live with it
(``qualcode.project.refi_keep``); the export names them from here.
"""

from __future__ import annotations

from ..project.refi_keep import PREFIX, Kept, derived_selection

__all__ = ["PREFIX", "Kept", "derived_selection"]
