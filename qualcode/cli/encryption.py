"""``qualcode encrypt``, ``decrypt`` and ``passphrase``: a project file's encryption.

The work is done by :mod:`qualcode.store.cipher`; this module asks for passphrases and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import QualcodeError
from . import cli
from .common import PROJECT, ask_passphrase


def _project_file(project: str) -> Path:
    if "://" in project:
        raise QualcodeError(f"{project}: only project files are encrypted by qualcode")
    return Path(project)


@cli.command()
@PROJECT
def encrypt(project: str) -> None:
    """Encrypt PROJECT (and its backups) with a passphrase, in place.

    Asks for the new passphrase twice (or reads QUALCODE_PASSPHRASE). Close the project
    everywhere first. On a project that is already encrypted, finishes what an interrupted run
    left: plaintext backups and partial copies (asks for the project's passphrase). Needs: pip
    install 'qualcode[encryption]'.
    """
    from ..store import cipher

    path = _project_file(project)
    cipher.cipher_module()
    if cipher.is_encrypted(path):
        left = cipher.plaintext_leftovers(path)
        if not left:
            raise cipher.EncryptionError(f"{project}: already encrypted")
        click.echo(
            f"{project} is encrypted, but {_count(len(left), 'plaintext file')} "
            "left by an interrupted run remain; finishing",
            err=True,
        )
        done = cipher.encrypt_file(path, ask_passphrase(project) or "")
        click.echo(f"finished encrypting {project}" + _summary(done))
    else:
        done = cipher.encrypt_file(path, ask_passphrase(project, new=True) or "")
        click.echo(f"encrypted {project}" + _summary(done))
    _report_skipped(done)


@cli.command()
@PROJECT
def decrypt(project: str) -> None:
    """Remove the encryption of PROJECT (and its backups), in place."""
    from ..store import cipher

    path = _project_file(project)
    cipher.cipher_module()
    if not cipher.is_encrypted(path):
        raise cipher.EncryptionError(f"{project}: not encrypted")
    done = cipher.decrypt_file(path, ask_passphrase(project) or "")
    click.echo(f"decrypted {project}" + _summary(done))
    _report_skipped(done)


@cli.command()
@PROJECT
def passphrase(project: str) -> None:
    """Change the passphrase of an encrypted PROJECT (and its backups).

    A plaintext backup found in the backup folder is encrypted with the new passphrase.
    """
    from ..store import cipher

    path = _project_file(project)
    if not cipher.is_encrypted(path):
        raise cipher.EncryptionError(f"{project}: not encrypted (see: qualcode encrypt --help)")
    old = ask_passphrase(project) or ""
    cipher.check_passphrase(path, old)
    new = click.prompt(
        f"new passphrase for {project}", hide_input=True, confirmation_prompt=True, err=True
    )
    done = cipher.change_passphrase(path, old, str(new))
    click.echo(f"changed the passphrase of {project}" + _summary(done))
    _report_skipped(done)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _summary(done: Any) -> str:
    parts = []
    if done.backups:
        parts.append(_count(len(done.backups), "backup"))
    if done.removed:
        parts.append(f"removed {_count(len(done.removed), 'leftover partial file')}")
    return (" and " if done.project else ": ") + "; ".join(parts) if parts else ""


def _report_skipped(done: Any) -> None:
    for file, why in done.skipped:
        click.echo(f"qualcode: warning: {file}: {why}", err=True)
