"""A directory tree of transcripts to pick for import: space or Enter toggles a file.

Only folders and files an importer knows (or can explain) are listed; dot-files are hidden.
Picked files carry a tick.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DirectoryTree
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

from .import_preview import SHOWN_SUFFIXES


class TranscriptTree(DirectoryTree):
    """Posts ``DirectoryTree.FileSelected`` for a file on space as well as on Enter."""

    BINDINGS = [Binding("space", "toggle_node", "Pick file", show=False)]

    def __init__(self, path: str | Path, *, id: str | None = None) -> None:
        super().__init__(path, id=id)
        self.picked: set[Path] = set()

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (self._safe_is_dir(path) or path.suffix.lower() in SHOWN_SUFFIXES)
        ]

    def action_toggle_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None and not node.allow_expand:
            self.post_message(self.FileSelected(node, node.data.path))
        else:
            super().action_toggle_node()

    def set_picked(self, picked: Iterable[Path]) -> None:
        """Tick exactly these files."""
        picked = set(picked)
        changed = picked ^ self.picked
        self.picked = picked
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.data is not None and node.data.path in changed:
                node.refresh()
            stack.extend(node.children)

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        if node.data is not None and node.data.path in self.picked:
            return Text.assemble(("✓ ", "bold green"), label)
        return label
