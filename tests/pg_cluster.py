"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a free port on
127.0.0.1, trust authentication, stopped (and deleted) when done.

Used by the ``pg_admin_url`` fixture (tests/conftest.py) and by ``.ci/run``::

    python tests/pg_cluster.py start FOLDER   # prints the admin URL
    python tests/pg_cluster.py stop FOLDER

PostgreSQL refuses to run as root; as root the server runs as the ``postgres`` user that
Debian's package creates (``runuser``).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

USER = "qualcode"
PASSWORD_USER = "qc_password"
"""The one user the cluster asks for a password (scram-sha-256)."""


def bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if not shutil.which("runuser"):
        raise RuntimeError("running as root and runuser is missing")
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(folder: Path) -> str:
    """Create and start a cluster in ``folder``; return a SQLAlchemy URL for its superuser."""
    binaries = bindir()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb found)")
    folder.mkdir(parents=True, exist_ok=True)
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        **run,
    )  # type: ignore[call-overload]
    # One user must give a password (to test asking for it); everyone else is trusted.
    hba = data / "pg_hba.conf"
    rules = f"host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n"
    subprocess.run(
        _as_server_user(
            ["sh", "-c", f"printf '%s' '{rules}' | cat - {hba} > {hba}.new && mv {hba}.new {hba}"]
        ),
        **run,
    )  # type: ignore[call-overload]
    port = _free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
    )
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        **run,
    )  # type: ignore[call-overload]
    (folder / "port").write_text(str(port))
    return f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"


def stop(folder: Path) -> None:
    binaries = bindir()
    data = folder / "data"
    if binaries is not None and data.exists():
        command = [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_server_user(command), capture_output=True, check=False)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    verb, where = sys.argv[1], Path(sys.argv[2])
    if verb == "start":
        print(start(where))
    else:
        stop(where)
