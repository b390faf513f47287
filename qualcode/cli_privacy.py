"""``qualcode encrypt``, ``decrypt`` and ``passphrase``: encryption at rest for a project file.

The work is done by :mod:`qualcode.store.cipher`; this module asks for passphrases and prints.
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli import PROJECT, _passphrase, cli


def _project_file(project: str) -> Path:
    from .errors import QualcodeError

    if "://" in project:
        raise QualcodeError(f"{project}: only project files are encrypted by qualcode")
    return Path(project)


@cli.command()
@PROJECT
def encrypt(project: str) -> None:
    """Encrypt PROJECT (and its backups) with a passphrase, in place.

    Asks for the new passphrase twice (or reads QUALCODE_PASSPHRASE). Close the project
    everywhere first. Needs: pip install 'qualcode[encryption]'.
    """
    from .store import cipher

    path = _project_file(project)
    cipher.cipher_module()
    if cipher.is_encrypted(path):
        raise cipher.EncryptionError(f"{project}: already encrypted")
    done = cipher.encrypt_file(path, _passphrase(project, new=True) or "")
    click.echo(f"encrypted {project}" + _also(done))


@cli.command()
@PROJECT
def decrypt(project: str) -> None:
    """Remove the encryption of PROJECT (and its backups), in place."""
    from .store import cipher

    path = _project_file(project)
    cipher.cipher_module()
    if not cipher.is_encrypted(path):
        raise cipher.EncryptionError(f"{project}: not encrypted")
    done = cipher.decrypt_file(path, _passphrase(project) or "")
    click.echo(f"decrypted {project}" + _also(done))


@cli.command()
@PROJECT
def passphrase(project: str) -> None:
    """Change the passphrase of an encrypted PROJECT (and its backups)."""
    from .store import cipher

    path = _project_file(project)
    if not cipher.is_encrypted(path):
        raise cipher.EncryptionError(f"{project}: not encrypted (encrypt it with: qualcode encrypt)")
    old = _passphrase(project) or ""
    cipher.check_passphrase(path, old)
    new = click.prompt(f"new passphrase for {project}", hide_input=True,
                       confirmation_prompt=True, err=True)  # fmt: skip
    done = cipher.change_passphrase(path, old, str(new))
    click.echo(f"changed the passphrase of {project}" + _also(done))


def _also(done: list[Path]) -> str:
    backups = len(done) - 1
    return f" and {backups} backup{'s' if backups != 1 else ''}" if backups > 0 else ""
