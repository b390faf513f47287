"""The qualcode Textual app: one project, one coder, a stack of screens.

``make_app`` is the one factory the CLI and the tests use. The app opens nothing at import time;
the project is opened in ``make_app`` (fast: it only connects and checks the schema).
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import sys
import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from .. import settings
from ..errors import QualcodeError
from ..project import Project
from .undo import UndoStack

CSS_DIR = Path(__file__).parent
POLL_SECONDS = 3.0
"""How often the app looks for other coders' changes."""


class QualcodeApp(App[None]):
    """Code transcripts against a codebook."""

    TITLE = "qualcode"
    CSS_PATH = [
        CSS_DIR / "app.tcss",
        CSS_DIR / "coding.tcss",
        CSS_DIR / "dialogs.tcss",
        CSS_DIR / "review.tcss",
        CSS_DIR / "retrieve.tcss",
    ]
    BINDINGS = [
        Binding("f1,question_mark", "help", "Keys", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f2", "toggle_theme", "Light/dark", id="theme"),
    ]

    def __init__(self, project: Project, coder: str | None, *, start_document: str | None = None):
        super().__init__()
        gc.freeze()  # the modules imported so far stay: full collections need not walk them
        self.project = project
        self.coder: str | None = coder
        self.undo_stack = UndoStack()
        self.recent_codes: list[str] = []
        """Code paths applied this session, latest first (the picker lists them first)."""
        self.pinned_codes: list[str] = self._load_pins()
        """Code paths on the digit keys 1-9 (index + 1), kept per project in user settings."""
        self.start_document = start_document
        self.sub_title = self.project_label
        self.poll_seconds = POLL_SECONDS
        self._seen_change: int | None = None

    # -- start-up ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from .screens.home import HomeScreen

        self.push_screen(HomeScreen())
        # What start-up loaded (modules, styles, the home screen) lives as long as the app:
        # frozen, full garbage collections no longer walk it (each took 70-90 ms, in the middle
        # of opening a screen). A coding screen unfreezes it all when it closes, so its own
        # frozen codings can be collected.
        self.call_after_refresh(gc.freeze)
        self._watch_terminal()
        self._poll()
        self.set_interval(self.poll_seconds, self._poll)
        remembered = None if self.project.encrypted else settings.remembered_coder()
        if self.coder is None and remembered:
            # Asked once: later sessions code as the same person (--coder changes it).
            self._set_coder(remembered)
            self.notify(f"Coding as {remembered} (qualcode open --coder NAME to change).")
        elif self.coder is None:
            from .screens.coder import CoderPrompt

            self.push_screen(CoderPrompt(), self._set_coder)
        else:
            self._show_coder()

    def _set_coder(self, name: str | None) -> None:
        if not name:
            self.exit()
            return
        self.coder = name
        self.project.actor = name
        if not self.project.encrypted:  # an encrypted project leaves no names in plain files
            settings.remember_coder(name)
        self._show_coder()
        self.screen.post_message(CoderChanged())
        if self.start_document:
            from .screens.coding import CodingScreen

            document, self.start_document = self.start_document, None
            self.push_screen(CodingScreen(document))

    async def open_at(self, document: str, start: int, end: int) -> None:
        """Open the transcript with [start, end) selected (the coding screen, pushed). Screens
        open it through the app, so the retrieve and coding screens need not import each other."""
        from .screens.coding import CodingScreen

        screen = CodingScreen(document)
        await self.push_screen(screen)
        if screen.is_attached and screen._error is None:
            screen.show_at_top(start, end)

    @property
    def project_label(self) -> str:
        """The project file's name (not its folder), or the URL without password."""
        if self.project.sqlite_path is not None:
            return self.project.sqlite_path.name
        return self.project.name

    def _show_coder(self) -> None:
        self.sub_title = f"{self.project_label} · coder: {self.coder}"

    def project_key(self) -> str:
        """The project's identity (a uuid stored in it) for what the user settings keep per
        project: pins and the import folder follow a copied or moved file."""
        return f"project:{self.project.setting('project_uuid') or self.project.name}"

    def _pins_key(self) -> str:
        return self.project_key()

    def _old_pins_key(self) -> str:
        path = self.project.sqlite_path
        return str(path.resolve()) if path is not None else self.project.name

    def _load_pins(self) -> list[str]:
        if self.project.encrypted:
            return []
        pins = settings.load().get("pins", {})
        pins = pins if isinstance(pins, dict) else {}
        # Pins saved before they were keyed by the project's identity were keyed by its path.
        found = pins.get(self._pins_key(), pins.get(self._old_pins_key(), []))
        return [p for p in found if isinstance(p, str)][:9] if isinstance(found, list) else []

    def save_pins(self) -> None:
        """Remember this project's pinned codes for the next session (not for an encrypted
        project: code names stay inside the encrypted file)."""
        if self.project.encrypted:
            return
        pins = settings.load().get("pins", {})
        pins = pins if isinstance(pins, dict) else {}
        pins.pop(self._old_pins_key(), None)
        pins[self._pins_key()] = list(self.pinned_codes)
        settings.save({"pins": pins})

    def on_unmount(self) -> None:
        self.project.close()
        gc.unfreeze()  # the app is gone: what it kept may be collected again

    # -- a terminal that goes away -------------------------------------------------------------
    def _watch_terminal(self) -> None:
        """Quit when the terminal closes. A terminal window closed without SIGHUP (the shell
        gone first, a pty closed by a program) leaves the input thread reading end-of-file in a
        loop at full CPU; a thread blocked in poll() on the terminal, at no cost until then,
        sees the hang-up and ends the app (everything is already saved: codings are stored as
        they are made)."""
        if self.is_headless:
            return
        descriptors = terminal_descriptors()
        if descriptors:
            threading.Thread(
                target=self._wait_for_hangup,
                args=(descriptors,),
                daemon=True,
                name="qualcode-terminal-watch",
            ).start()

    def _wait_for_hangup(self, descriptors: list[int]) -> None:
        poller = select.poll()
        for fd in descriptors:
            poller.register(fd, 0)  # hang-ups and errors are reported whatever is asked
        while True:
            try:
                events = poller.poll()
            except InterruptedError:
                continue
            except OSError:
                break
            if any(event & _HANG_UP for _, event in events):
                break
        with contextlib.suppress(RuntimeError):  # the app has already ended
            self.call_from_thread(self.exit, None, TERMINAL_CLOSED)

    # -- other coders' changes -----------------------------------------------------------------
    @work(thread=True, group="poll", exclusive=True, exit_on_error=False)
    def _poll(self) -> None:
        """Look for changes made elsewhere (an indexed max() on the audit trail)."""
        try:
            newest, actors = self.project.changes_since(self._seen_change)
        except QualcodeError:
            return  # a dropped connection: the next poll tries again
        first = self._seen_change is None
        self._seen_change = newest
        others = sorted({a for a in actors if a != self.coder and a != self.project.actor})
        if others and not first:
            self.call_from_thread(self._changed_elsewhere, others)

    def _changed_elsewhere(self, actors: list[str]) -> None:
        self.screen.post_message(ProjectChanged(actors))

    # -- app-wide actions --------------------------------------------------------------------
    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands plus every binding of the current screen, so each action is
        in the palette with its key."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        # Active bindings first (the focused widget's), then the screen's and the app's own,
        # which a focused widget may shadow (enter on a table) but which are still actions.
        candidates = [(a.node, a.binding) for a in screen.active_bindings.values()]
        candidates += [(screen, b) for b in type(screen).BINDINGS if isinstance(b, Binding)]
        candidates += [(self, b) for b in type(self).BINDINGS if isinstance(b, Binding)]
        for node, binding in candidates:
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            yield SystemCommand(
                binding.description,
                f"key: {self.get_key_display(binding)}",
                partial(self._run_binding, node, binding.action),
            )

    async def _run_binding(self, node: object, action: str) -> None:
        await self.run_action(action, node)  # type: ignore[arg-type]


_HANG_UP = select.POLLHUP | select.POLLERR | select.POLLNVAL
TERMINAL_CLOSED = 129
"""The app's return code when its terminal went away (128 + SIGHUP, as if it had been sent)."""


def terminal_descriptors() -> list[int]:
    """The file descriptors of the terminal the app reads and draws on (Textual uses the
    process's original stdin and stderr)."""
    found = []
    for stream in (sys.__stdin__, sys.__stderr__):
        try:
            fd = stream.fileno() if stream is not None else -1
        except (OSError, ValueError):
            continue
        if fd >= 0 and os.isatty(fd) and fd not in found:
            found.append(fd)
    return found


class CoderChanged(Message):
    """Posted to the current screen when the coder is set (screens refresh their counts)."""


class ProjectChanged(Message):
    """Posted to the current screen when someone else changed the project (another coder on
    the server, or another program on the file); ``actors`` are who."""

    def __init__(self, actors: list[str]) -> None:
        super().__init__()
        self.actors = actors


def make_app(
    target: str | Path,
    coder: str | None = None,
    *,
    document: str | None = None,
    passphrase: str | None = None,
    password: str | None = None,
) -> QualcodeApp:
    """Open the project and build the app; ``coder`` None asks for one (remembered).
    An encrypted project needs its ``passphrase`` (see :mod:`qualcode.tui.unlock`)."""
    project = Project.open(target, actor=coder, passphrase=passphrase, password=password)
    if coder is None and "://" in str(target) and project.actor:
        # On a team server the login names the coder (their rows are theirs by the server's
        # rules), so there is nothing to ask.
        from sqlalchemy.engine import make_url

        if make_url(str(target)).username == project.actor:
            coder = project.actor
    return QualcodeApp(project, coder, start_document=document)
