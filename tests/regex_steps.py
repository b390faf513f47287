"""Count the work a backtracking regex engine does, without timing anything.

A small backtracking matcher over the parse tree of Python's own ``re`` parser: it tries the
same alternatives in the same order as ``re`` (greedy, lazy and possessive repeats, atomic
groups, lookarounds, anchors) and counts one step per node entered and per character tested.
It is slow (pure Python) but exact about *how much* backtracking a pattern does on an input,
so a test can assert that the work grows linearly with the input's size. Its matches are
checked against ``re``'s own in the tests, so it cannot quietly drift from the real engine.
Only the subset of the syntax qualcode's importers use is supported; anything else raises.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

Cont = Callable[[int], int | None]
Node = Callable[[int, Cont], int | None]


class TooMuchWork(Exception):
    """The step budget ran out: the pattern backtracks more than the budget allows."""


class StepCounter:
    """Matches one compiled pattern on one text, counting steps (raises past ``budget``)."""

    def __init__(self, pattern: re.Pattern[str], text: str, budget: int) -> None:
        self.text = text
        self.steps = 0
        self.budget = budget
        self.ignorecase = bool(pattern.flags & re.IGNORECASE)
        self.multiline = bool(pattern.flags & re.MULTILINE)
        self.root = self._sequence(list(P.parse(pattern.pattern, pattern.flags).data))

    # -- counting ------------------------------------------------------------------------------
    def _step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.budget:
            raise TooMuchWork(self.steps)

    # -- single characters ---------------------------------------------------------------------
    def _char_test(self, op: Any, av: Any) -> Callable[[str], bool] | None:
        fold = self.ignorecase
        if op is C.LITERAL:
            return (
                (lambda ch: ch.lower() == chr(av).lower()) if fold else (lambda ch: ord(ch) == av)
            )
        if op is C.NOT_LITERAL:
            return lambda ch: ord(ch) != av
        if op is C.ANY:
            return lambda ch: ch != "\n"
        if op is C.IN:
            tests: list[Callable[[str], bool]] = []
            negate = False
            for item_op, item_av in av:
                if item_op is C.NEGATE:
                    negate = True
                elif item_op is C.LITERAL:
                    tests.append(lambda ch, v=item_av: ord(ch) == v)
                elif item_op is C.RANGE:
                    tests.append(lambda ch, r=item_av: r[0] <= ord(ch) <= r[1])
                elif item_op is C.CATEGORY:
                    tests.append(_CATEGORIES[item_av])
                else:
                    raise NotImplementedError(item_op)

            def member(ch: str) -> bool:
                chars = (ch, ch.lower(), ch.upper()) if fold else (ch,)
                return any(t(c) for c in chars for t in tests)

            return (lambda ch: not member(ch)) if negate else member
        return None

    # -- compiling the tree into continuation-passing matchers ---------------------------------
    def _sequence(self, items: list[tuple[Any, Any]]) -> Node:
        nodes = [self._node(op, av) for op, av in items]

        def run(pos: int, k: Cont, i: int = 0) -> int | None:
            if i == len(nodes):
                return k(pos)
            return nodes[i](pos, lambda p: run(p, k, i + 1))

        return run

    def _node(self, op: Any, av: Any) -> Node:
        text = self.text
        test = self._char_test(op, av)
        if test is not None:

            def one(pos: int, k: Cont) -> int | None:
                self._step()
                return k(pos + 1) if pos < len(text) and test(text[pos]) else None

            return one
        if op is C.SUBPATTERN:
            return self._sequence(list(av[3].data))
        if op is C.BRANCH:
            alternatives = [self._sequence(list(b.data)) for b in av[1]]

            def branch(pos: int, k: Cont) -> int | None:
                for alternative in alternatives:
                    self._step()
                    found = alternative(pos, k)
                    if found is not None:
                        return found
                return None

            return branch
        if op is C.AT:
            return self._anchor(av)
        if op in (C.ASSERT, C.ASSERT_NOT):
            direction, sub = av
            body = self._sequence(list(sub.data))
            width = sub.getwidth()[0]
            positive = op is C.ASSERT

            def look(pos: int, k: Cont) -> int | None:
                self._step()
                start = pos if direction == 1 else pos - width
                ok = start >= 0 and body(
                    start, lambda p: p if (direction == 1 or p == pos) else None
                )
                return k(pos) if (ok is not None and ok is not False) == positive else None

            return look
        if op is C.ATOMIC_GROUP:
            body = self._sequence(list(av.data))

            def atomic(pos: int, k: Cont) -> int | None:
                end = body(pos, lambda p: p)
                return None if end is None else k(end)

            return atomic
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            return self._repeat(op, *av)
        raise NotImplementedError(op)

    def _anchor(self, where: Any) -> Node:
        text = self.text
        multiline = self.multiline

        def at(pos: int) -> bool:
            n = len(text)
            if where is C.AT_BEGINNING_STRING or (where is C.AT_BEGINNING and not multiline):
                return pos == 0
            if where in (C.AT_BEGINNING, C.AT_BEGINNING_LINE):
                return pos == 0 or text[pos - 1] == "\n"
            if where is C.AT_END_STRING:
                return pos == n
            if where is C.AT_END and not multiline:
                return pos == n or (pos == n - 1 and text[pos] == "\n")
            if where in (C.AT_END, C.AT_END_LINE):
                return pos == n or text[pos] == "\n"
            raise NotImplementedError(where)

        def anchor(pos: int, k: Cont) -> int | None:
            self._step()
            return k(pos) if at(pos) else None

        return anchor

    def _repeat(self, op: Any, low: int, high: int, sub: Any) -> Node:
        items = list(sub.data)
        single = self._char_test(*items[0]) if len(items) == 1 else None
        if single is not None:
            return self._repeat_char(op, low, high, single)
        body = self._sequence(items)
        if op is C.POSSESSIVE_REPEAT:

            def possessive(pos: int, k: Cont) -> int | None:
                count = 0
                while count < high:
                    end = body(pos, lambda p: p)
                    if end is None or end == pos:
                        break
                    pos, count = end, count + 1
                return k(pos) if count >= low else None

            return possessive
        greedy = op is C.MAX_REPEAT

        def again(pos: int, k: Cont, count: int) -> int | None:
            self._step()

            def more() -> int | None:
                if count >= high:
                    return None
                return body(pos, lambda p: None if p == pos else again(p, k, count + 1))

            if count < low:
                return more()
            if greedy:
                found = more()
                return found if found is not None else k(pos)
            found = k(pos)
            return found if found is not None else more()

        return lambda pos, k: again(pos, k, 0)

    def _repeat_char(self, op: Any, low: int, high: int, test: Callable[[str], bool]) -> Node:
        text = self.text

        def longest(pos: int) -> int:
            count = 0
            while count < high and pos + count < len(text):
                self._step()
                if not test(text[pos + count]):
                    break
                count += 1
            return count

        if op is C.MIN_REPEAT:

            def lazy(pos: int, k: Cont) -> int | None:
                count = 0
                while True:
                    if count >= low:
                        found = k(pos + count)
                        if found is not None:
                            return found
                    if count >= high or pos + count >= len(text):
                        return None
                    self._step()
                    if not test(text[pos + count]):
                        return None
                    count += 1

            return lazy
        possessive = op is C.POSSESSIVE_REPEAT

        def greedy(pos: int, k: Cont) -> int | None:
            count = longest(pos)
            for n in [count] if possessive else range(count, low - 1, -1):
                if n < low:
                    return None
                self._step()
                found = k(pos + n)
                if found is not None:
                    return found
            return None

        return greedy

    # -- how the importers call a pattern ------------------------------------------------------
    def match_at(self, pos: int) -> int | None:
        return self.root(pos, lambda p: p)

    def finditer(self) -> list[tuple[int, int]]:
        """``pattern.finditer`` / ``findall`` / ``sub`` / ``search``: every start position."""
        spans, pos = [], 0
        while pos <= len(self.text):
            end = self.match_at(pos)
            if end is None:
                pos += 1
                continue
            spans.append((pos, end))
            pos = end if end > pos else pos + 1
        return spans

    def chain(self) -> list[tuple[int, int]]:
        """``pattern.match`` at 0, then at each match's end, until one fails (a tiling)."""
        spans, pos = [], 0
        while pos < len(self.text):
            end = self.match_at(pos)
            if end is None or end == pos:
                break
            spans.append((pos, end))
            pos = end
        return spans


_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    C.CATEGORY_DIGIT: str.isdecimal,
    C.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    C.CATEGORY_SPACE: str.isspace,
    C.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    C.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    C.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
}


def count_steps(pattern: re.Pattern[str], text: str, mode: str, budget: int) -> tuple[int, Any]:
    """(steps, spans) of running ``pattern`` over ``text`` the way ``mode`` says ("finditer",
    "chain", or "match"); raises TooMuchWork past ``budget`` steps. Runs in a thread with a
    large stack, as the matcher recurses once per node."""
    result: list[Any] = []

    def run() -> None:
        counter = StepCounter(pattern, text, budget)
        try:
            if mode == "finditer":
                spans: Any = counter.finditer()
            elif mode == "chain":
                spans = counter.chain()
            else:
                end = counter.match_at(0)
                spans = None if end is None else (0, end)
            result.append((counter.steps, spans))
        except BaseException as exc:  # handed to the caller's thread
            result.append(exc)

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size(512 * 1024 * 1024)
    sys.setrecursionlimit(1_000_000)
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]
