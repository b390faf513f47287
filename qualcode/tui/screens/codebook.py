"""The codebook editor: add, rename, define, recolour, move, merge and archive codes.

Every change is one call to the project (which commits and writes the audit trail before it
returns); the tree is then read again from the project and the highlight stays on the code that
changed. Errors the user can fix (a name taken, a move under itself) become notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Tree
from textual.widgets.tree import TreeNode

from ...errors import QualcodeError
from ...project import CodeInfo
from ..colors import code_colors
from .choose import Choice, ChooseDialog
from .code_form import CodeForm
from .prompts import AskText, Confirm

if TYPE_CHECKING:
    from ...project import Project
    from ..app import QualcodeApp

TOP_LEVEL = "(top level)"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def code_label(code: CodeInfo, color: str) -> Text:
    """Swatch, name, number of codings; archived codes dimmed and marked."""
    label = Text()
    label.append("■ ", style=color)
    if code.archived:  # before the name: a long name must not cut the mark off the pane
        label.append("(archived) ")
    label.append(code.name)
    if code.codings:
        label.append(f"  {code.codings}", style="bold")
    if not code.codable:
        label.stylize("italic")
    if code.archived:
        label.stylize("dim")
    return label


class CodebookScreen(Screen[None]):
    """The code tree on the left, the highlighted code's form on the right."""

    BINDINGS = [
        Binding("a", "add_child", "Add code", id="codebook-add"),
        Binding("A", "add_top", "Add theme", id="codebook-add-top"),
        Binding("ctrl+s", "save", "Save", id="codebook-save"),
        Binding("m", "move", "Move", id="codebook-move"),
        Binding("g", "merge", "Merge into", id="codebook-merge"),
        Binding("d", "archive", "Archive/restore", id="codebook-archive"),
        Binding("k", "cycle_color", "Next colour", id="codebook-color"),
        Binding("escape", "back", "Back", id="codebook-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[CodeInfo] = []
        self._leave_warned = False

    @property
    def project(self) -> Project:
        return cast("QualcodeApp", self.app).project

    @property
    def form(self) -> CodeForm:
        return self.query_one("#code-form", CodeForm)

    @property
    def current(self) -> CodeInfo | None:
        """The code the form shows (the highlighted one)."""
        return self.form.code

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook-editor"):
            with Vertical(id="codebook-tree-pane"):
                yield Label("Codebook (codings by all coders)", classes="pane-title")
                tree: Tree[CodeInfo] = Tree("Codebook", id="codebook-tree")
                tree.show_root = False
                tree.auto_expand = False
                yield tree
            with Vertical(id="code-form-pane"):
                yield Label("Code", classes="pane-title", id="code-form-title")
                yield CodeForm(id="code-form")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_tree()
        self.query_one("#codebook-tree", Tree).focus()

    # -- the tree ----------------------------------------------------------------------------
    def refresh_tree(self, select: str | None = None) -> None:
        """Read the codebook again; highlight the code with uuid ``select`` (else the current
        one, else the first)."""
        tree: Tree[CodeInfo] = self.query_one("#codebook-tree", Tree)
        self.codes = self.project.codes()
        colors = code_colors(self.codes)
        tree.clear()
        tree.root.expand()
        nodes: dict[tuple[str, ...], TreeNode[CodeInfo]] = {(): tree.root}
        by_uuid: dict[str, TreeNode[CodeInfo]] = {}
        parents = {code.names[:-1] for code in self.codes}
        for code in self.codes:
            parent = nodes.get(code.names[:-1], tree.root)
            node = parent.add(
                code_label(code, colors[code.path]),
                data=code,
                expand=True,
                allow_expand=code.names in parents,
            )
            nodes[code.names] = node
            by_uuid[code.uuid] = node
        wanted = select or (self.current.uuid if self.current else None)
        target = by_uuid.get(wanted or "") or next(iter(by_uuid.values()), None)
        # Reading last_line builds the tree's lines now, so the node knows its line number.
        _ = tree.last_line
        tree.move_cursor(target)
        self._show(target.data if target else None)

    def _show(self, code: CodeInfo | None) -> None:
        self._leave_warned = False
        title = self.query_one("#code-form-title", Label)
        title.update(code.path if code else "No codes yet: press A to add a theme")
        self.form.show(code, self._theme_color(code) if code else None)

    def _theme_color(self, code: CodeInfo) -> str | None:
        """The colour the code takes when it has none of its own."""
        bare = [replace(c, color=None) if c.uuid == code.uuid else c for c in self.codes]
        return code_colors(bare).get(code.path)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[CodeInfo]) -> None:
        code = event.node.data
        if code is None or (self.current is not None and code.uuid == self.current.uuid):
            return
        if self.current is not None and self.form.is_changed():
            self.notify(f"Changes to '{self.current.path}' were not saved.", severity="warning")
        self._show(code)

    def on_tree_node_selected(self, event: Tree.NodeSelected[CodeInfo]) -> None:
        """Enter on a code goes to its form."""
        if event.node.data is not None:
            self.form.query_one("#code-name").focus()

    def _has_children(self, code: CodeInfo) -> bool:
        return any(c.names[:-1] == code.names for c in self.codes)

    def _by_uuid(self, uuid: str) -> CodeInfo | None:
        return next((c for c in self.codes if c.uuid == uuid), None)

    def _change(self, action: Callable[[], CodeInfo], done: Callable[[CodeInfo], str]) -> None:
        """Run one project change; on success refresh and highlight the code it returns."""
        try:
            changed = action()
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_tree(select=changed.uuid)
        self.notify(done(changed))

    # -- adding ----------------------------------------------------------------------------
    def action_add_child(self) -> None:
        parent = self.current
        if parent is None:
            self.action_add_top()
            return
        self.app.push_screen(
            AskText(f"Name of the new code under '{parent.path}':", placeholder="code name"),
            lambda name: self._add(name, parent.path),
        )

    def action_add_top(self) -> None:
        self.app.push_screen(
            AskText("Name of the new top-level code (a theme):", placeholder="theme name"),
            lambda name: self._add(name, None),
        )

    def _add(self, name: str | None, parent: str | None) -> None:
        if name:
            self._change(
                lambda: self.project.add_code(name, parent=parent), lambda c: f"Added '{c.path}'."
            )

    # -- editing ---------------------------------------------------------------------------
    def action_save(self) -> None:
        code = self.current
        if code is None:
            self.notify("No code to save: press A to add one.", severity="warning")
            return
        if not self.form.is_changed():
            self.notify("Nothing to save: the form matches the codebook.")
            return
        name, fields = self.form.name_value, self.form.values()
        self._change(
            lambda: self.project.update_code(code.path, name=name, **fields),
            lambda c: f"Saved '{c.path}'.",
        )

    def action_cycle_color(self) -> None:
        if self.current is None:
            return
        color = self.form.cycle_color()
        self.notify(f"Colour {color}: ctrl+s saves it.", timeout=2)

    # -- moving and merging ------------------------------------------------------------------
    def _others(self, code: CodeInfo, *, archived: bool) -> list[Choice]:
        """Every code but ``code`` and its descendants (where it may go, what it may join)."""
        depth = len(code.names)
        return [
            Choice(c.uuid, c.path, "archived" if c.archived else "")
            for c in self.codes
            if c.names[:depth] != code.names and (archived or not c.archived)
        ]

    def action_move(self) -> None:
        code = self.current
        if code is None:
            return
        choices = [Choice("", TOP_LEVEL), *self._others(code, archived=True)]
        self.app.push_screen(
            ChooseDialog(f"Move '{code.path}' (with its children) under:", choices),
            lambda key: self._move(code, key),
        )

    def _move(self, code: CodeInfo, key: str | None) -> None:
        if key is None:
            return
        parent = self._by_uuid(key) if key else None
        self._change(
            lambda: self.project.move_code(code.path, parent.path if parent else None),
            lambda c: f"Moved to '{c.path}'.",
        )

    def action_merge(self) -> None:
        code = self.current
        if code is None:
            return
        self.app.push_screen(
            ChooseDialog(f"Merge '{code.path}' into:", self._others(code, archived=False)),
            lambda key: self._confirm_merge(code, key),
        )

    def _confirm_merge(self, source: CodeInfo, key: str | None) -> None:
        target = self._by_uuid(key) if key else None
        if target is None:
            return
        question = (
            f"Merge '{source.path}' into '{target.path}'?\n"
            f"{_plural(source.codings, 'coding')} will move to '{target.name}'"
            " (any that duplicate one already there are removed), "
            + ("its children move too, " if self._has_children(source) else "")
            + f"and '{source.name}' is archived."
        )

        def merge(yes: bool | None) -> None:
            if yes:
                self._change(
                    lambda: self.project.merge_codes(source.path, target.path),
                    lambda c: (
                        f"Merged '{source.name}' into '{c.path}': "
                        f"{_plural(source.codings, 'coding')} moved."
                    ),
                )

        self.app.push_screen(Confirm(question, yes="Merge"), merge)

    # -- archiving ---------------------------------------------------------------------------
    def action_archive(self) -> None:
        code = self.current
        if code is None:
            return
        archive = not code.archived
        if archive:
            question = (
                f"Archive '{code.path}'? It is hidden from coding; its "
                f"{_plural(code.codings, 'coding')} are kept."
            )
        else:
            question = f"Restore '{code.path}' so it can be used for coding again?"

        def toggle(yes: bool | None) -> None:
            if yes:
                self._change(
                    lambda: self.project.archive_code(code.path, archived=archive),
                    lambda c: f"{'Archived' if archive else 'Restored'} '{c.path}'.",
                )

        self.app.push_screen(Confirm(question, yes="Archive" if archive else "Restore"), toggle)

    # -- leaving -----------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.form.is_changed() and not self._leave_warned and self.current is not None:
            self._leave_warned = True
            self.notify(
                f"'{self.current.path}' has unsaved changes: ctrl+s saves them, "
                "Escape again leaves without saving.",
                severity="warning",
            )
            return
        self.app.pop_screen()
