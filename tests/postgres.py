"""Test helper: a real PostgreSQL server for the store's tests, never a mock.

``CHECKER_TEST_POSTGRES_URL`` names a running server (a role that may create databases); otherwise a
private cluster is made with the installed ``initdb`` and ``pg_ctl`` in a temporary folder (as the
``postgres`` user when the tests run as root), listening on a Unix socket only, and stopped at the end.
Each test gets a database of its own.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return versions[-1] if versions else None


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def server() -> Iterator[str]:
    """A server URL (``postgresql://user@/postgres?host=...``) for as long as the context lasts; raises
    ``RuntimeError`` with the reason when none can be had."""
    given = os.environ.get("CHECKER_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError(
            "no PostgreSQL server: install Debian's postgresql or set CHECKER_TEST_POSTGRES_URL"
        )
    root = Path(tempfile.mkdtemp(prefix="checker-pg-"))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    log = root / "server.log"
    run = {"check": True, "capture_output": True, "text": True}
    try:
        subprocess.run(_as_server_user([initdb, "-D", str(data), "-U", "checker", "--auth=trust"]), **run)
        options = f"-k {root} -c listen_addresses='' -c fsync=off -c max_connections=50"
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]), **run
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"cannot start PostgreSQL: {exc.stderr.strip() or exc}") from None
    try:
        yield f"postgresql://checker@/postgres?host={root}"
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A fresh, empty database on the server; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = "t_" + uuid.uuid4().hex[:12]
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)
