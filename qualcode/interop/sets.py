"""REFI-QDA sets on export: the sets an import kept (``keep``), given back as ``<Sets>``.

A set's members are the codes and documents whose set memo (``Set: NAME``) is still there, so
deleting that memo takes the member out; a set left with no member is not written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from .refi_xml import xml_safe


def write_sets(root: etree._Element, rows: Any, sub: Callable[..., etree._Element]) -> None:
    """Sets an import kept, with the members whose set memos are still there."""
    by_uuid = {m.uuid: m for m in rows.memos}
    written = []
    for guid, name, description, memo_uuids in rows.kept.sets:
        codes, sources = [], []
        for uuid in memo_uuids:
            memo = by_uuid.get(uuid)
            if memo is None:
                continue
            if memo.code_id is not None and memo.code_id in rows.code_uuid:
                codes.append(rows.code_uuid[memo.code_id])
            elif memo.document_id is not None and memo.document_id in rows.document_uuid:
                sources.append(rows.document_uuid[memo.document_id])
        if codes or sources:
            written.append((guid, name, description, codes, sources))
    if not written:
        return
    sets = sub(root, "Sets")
    for guid, name, description, codes, sources in written:
        element = sub(sets, "Set", guid=guid, name=xml_safe(name)[0])
        if description:
            sub(element, "Description").text = xml_safe(description)[0]
        for code in dict.fromkeys(codes):
            sub(element, "MemberCode", targetGUID=code)
        for source in dict.fromkeys(sources):
            sub(element, "MemberSource", targetGUID=source)
    rows.sets_written = len(written)
