"""Code colours: a colour-blind-safe palette, and the colour each code is drawn in.

A code keeps the colour the codebook gives it; otherwise it takes its theme's colour, and codes
with neither get palette colours in codebook order. The palette is Okabe & Ito's eight colours
(distinguishable with the common colour-vision deficiencies) followed by Paul Tol's muted set.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..project import CodeInfo

PALETTE: tuple[str, ...] = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
)


def code_colors(codes: Sequence[CodeInfo]) -> dict[str, str]:
    """Map each code path to a ``#RRGGBB`` colour."""
    by_names = {c.names: c for c in codes}
    colors: dict[str, str] = {}
    spare = 0
    for code in codes:
        # Its own colour, else the nearest ancestor's, else the next spare palette colour.
        own = next(
            (
                by_names[code.names[:depth]].color
                for depth in range(len(code.names), 0, -1)
                if code.names[:depth] in by_names and by_names[code.names[:depth]].color
            ),
            None,
        )
        if own is None:
            own = PALETTE[spare % len(PALETTE)]
            spare += 1
        colors[code.path] = own
    return colors


def readable_on(background: str) -> str:
    """Black or white text, whichever reads better on ``background`` (#RRGGBB)."""
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#000000" if luminance > 140 else "#FFFFFF"
