"""The claim store, on SQLite and on a real PostgreSQL server (tests/postgres.py), with the real models."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import postgres  # noqa: E402 - tests/ helper
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

import checker
from checker.cli import app
from checker.errors import UsageError
from checker.records import Document
from checker.store import Store, StoreError
from checker.store import index as store_index

pytestmark = pytest.mark.integration

ISRAEL = Document(
    "israel",
    "Prime Minister Benjamin Netanyahu said on Thursday that he had not approved the ceasefire proposal. "
    '"We have not agreed to the plan," his office said.',
    source="Times",
    date="2024-09-26",
)
US = Document(
    "us",
    "A senior US official said Netanyahu had approved the ceasefire proposal before it was announced. "
    "The official said the talks would go on next week.",
    source="Wire",
    date="2024-09-27",
)
OTHER = Document(
    "weather",
    "The weather service said heavy rain would fall on the coast on Friday. Farmers said the harvest was "
    "already late.",
    source="Gazette",
    date="2024-09-20",
)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    try:
        with postgres.server() as url:
            yield url
    except RuntimeError as exc:
        if os.environ.get("CI"):
            raise  # CI installs and starts PostgreSQL (.ci/run): its absence is a failure there
        yield f"unavailable: {exc}"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    server = request.getfixturevalue("pg_server")
    if server.startswith("unavailable"):
        pytest.skip(server)
    index_dir = tmp_path / "index"
    os.environ["CHECKER_INDEX_DIR"] = str(index_dir)
    request.addfinalizer(lambda: os.environ.pop("CHECKER_INDEX_DIR", None))
    return postgres.new_database(server)


def keys(report: checker.Report) -> set[tuple]:
    return {
        tuple(sorted([(c.a.doc_id, c.a.content.start), (c.b.doc_id, c.b.content.start)]))
        for c in report.contradictions
    }


def test_ingest_is_idempotent_and_an_edit_is_a_new_version(url: str) -> None:
    with Store(url) as store:
        first = store.ingest([ISRAEL, US])
        assert (first.documents_added, first.documents_unchanged) == (2, 0)
        assert first.statements_added > 0
        stats = store.stats()
        again = store.ingest([ISRAEL, US])
        assert (again.documents_added, again.documents_unchanged, again.statements_added) == (0, 2, 0)
        assert store.stats() == stats
        edited = Document("us", US.text.replace("next week", "on Monday"), source="Wire", date="2024-09-28")
        third = store.ingest([edited])
        assert (third.documents_added, third.documents_versioned) == (1, 1)
        after = store.stats()
        assert after["documents"] == 2 and after["document_versions"] == 3
        assert after["statements"] == stats["statements"]  # the old version's statements are off record
        said = store.said("Netanyahu")  # the stored entity "Benjamin Netanyahu" under its surname
        assert said and all(st.speaker_name == "Benjamin Netanyahu" for st in said)


def test_a_surname_alone_joins_the_stored_entity(url: str) -> None:
    with Store(url) as store:
        store.ingest([ISRAEL])
        later = Document(
            "later", 'Netanyahu said on Friday, "We will keep fighting until the hostages are home."'
        )
        store.ingest([later])
        said = store.said("benjamin-netanyahu")
        assert {st.doc_id for st in said} == {"israel", "later"}
        names = {s.name: n for s, n in store.speakers()}
        assert "Netanyahu" not in names and names["Benjamin Netanyahu"] >= 2


def test_check_against_the_store_finds_what_a_whole_corpus_check_finds(url: str) -> None:
    whole = checker.check([ISRAEL, US, OTHER])
    across = {k for k in keys(whole) if {k[0][0], k[1][0]} == {"israel", "us"}}
    assert across, "the whole-corpus check should find the denial across the two documents"
    with Store(url) as store:
        store.ingest([ISRAEL, OTHER])
        report = store.check([US])
        assert keys(report) >= across
        stored = [d for d in report.documents if d.status == "stored"]
        assert [d.id for d in stored] == ["israel"] and stored[0].source == "Times"
        assert store.stats()["documents"] == 2  # check alone stores nothing
        store.check([US], ingest=True)
        assert store.stats()["documents"] == 3
        found = store.contradictions()
        assert found and {found[0].a.doc_id, found[0].b.doc_id} == {"israel", "us"}
        assert store.contradictions(speaker="Netanyahu") == found
        assert store.contradictions(speaker="weather service") == []
        assert store.contradictions(min_score=1.01) == []
        assert store.contradictions(since="2030-01-01") == []
        store.check([US], ingest=True)  # again: nothing doubles
        assert len(store.contradictions()) == len(found)


def test_a_document_without_statements_checks_to_an_empty_report(url: str) -> None:
    with Store(url) as store:
        store.ingest([ISRAEL])
        report = store.check([Document("quiet", "Rain fell on the coast. The harvest was late this year.")])
        assert report.contradictions == [] and [d.status for d in report.documents] == ["checked"]


def test_said_ranks_by_about_and_filters_by_date(url: str) -> None:
    with Store(url) as store:
        store.ingest([ISRAEL, US, OTHER])
        assert store.said("Netanyahu", since="2030-01-01") == []
        ranked = store.said("weather service", about="rain on the coast")
        assert ranked and "rain" in ranked[0].content.text


def test_the_index_is_rebuilt_when_missing_corrupt_or_stale(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(str(db)) as store:
        store.ingest([ISRAEL])
        vi = store_index.open_index(store.db)
        n = vi.count
        folder = store_index.index_path(store.db)
        assert n > 0 and (folder / "meta.json").is_file()
        store_index._OPEN.clear()  # as a new process
        (folder / "meta.json").write_text("garbage")
        assert store_index.open_index(store.db).count == n
        store_index._OPEN.clear()
        shutil.rmtree(folder)
        again = store_index.open_index(store.db)
        assert again.count == n and again.search(again.vectors[:1], 1)[0]
        store.ingest([US])  # more statements: the index grows by the new rows
        grown = store_index.open_index(store.db)
        assert grown.count > n and len(grown.keys) >= grown.count
        edited = Document("israel", ISRAEL.text + " The cabinet met on Friday.")
        store.ingest([edited])  # an old version's rows leave: rebuilt
        rebuilt = store_index.open_index(store.db)
        assert rebuilt.count == store_index.stamp(store.db)[0]


# -- faults ----------------------------------------------------------------------------------------------


def test_a_file_that_is_not_sqlite_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database\n" * 10)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store(str(bad))
    assert bad.read_text().startswith("these are my notes")  # untouched


def test_a_foreign_database_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a checker store"):
        Store(str(db))
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"invoices"}


def test_a_newer_schema_and_another_model_are_refused(url: str) -> None:
    Store(url).close()
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    if engine.dialect.name == "postgresql":
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE store_info SET value = 'some-other-embedder' WHERE key = 'embedding'"))
    with pytest.raises(StoreError, match="built with embedding model 'some-other-embedder'"):
        Store(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer checker"):
        Store(url)


def test_bad_urls_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unsupported database 'mysql'"):
        Store("mysql://localhost/x")
    with pytest.raises(StoreError, match="does not exist"):
        Store(str(tmp_path / "no" / "such" / "dir" / "s.db"))
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(f"postgresql://nobody@/x?host={tmp_path}&port=1")


def _ingest_cmd(db: str, paths: list[str]) -> list[str]:
    code = "import sys; from checker.cli import app; sys.argv = ['checker', *sys.argv[1:]]; app()"
    return [sys.executable, "-c", code, "ingest", *paths, "--db", db, "--format", "json"]


def _documents(url: str) -> int:
    if "://" not in url:
        with sqlite3.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
    engine.dispose()
    return n


def _corpus(tmp_path: Path) -> list[str]:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(6):
        for doc in (ISRAEL, US, OTHER):
            (folder / f"{doc.id}-{n}.txt").write_text(doc.text.replace("Thursday", f"day {n}"))
    return [str(folder)]


def _snapshot(url: str) -> tuple[dict, list]:
    with Store(url) as store:
        rows = sorted(
            (st.id, st.speaker_id, st.proposition) for s, _ in store.speakers() for st in store.said(s.id)
        )
        return store.stats(), rows


def test_a_killed_ingest_leaves_no_half_document_and_a_rerun_completes_it(url: str, tmp_path: Path) -> None:
    paths = _corpus(tmp_path)
    proc = subprocess.Popen(_ingest_cmd(url, paths), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        try:
            if _documents(url) >= 2:
                break
        except Exception:  # noqa: BLE001 - the schema may not exist yet
            pass
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _documents(url)
    assert 0 < done < 18, "the kill should land in the middle of the ingest"
    rerun = subprocess.run(_ingest_cmd(url, paths), capture_output=True, text=True, check=True)
    result = json.loads(rerun.stdout)
    assert result["documents_unchanged"] == done and result["documents_added"] == 18 - done
    if "://" in url:
        whole = postgres.new_database(make_url(url).set(database="postgres").render_as_string(False))
    else:
        whole = str(tmp_path / "whole.db")
    subprocess.run(_ingest_cmd(whole, paths), capture_output=True, text=True, check=True)
    assert _snapshot(url) == _snapshot(whole)


def test_two_ingests_at_once_on_one_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    paths = _corpus(tmp_path)
    one = subprocess.Popen(_ingest_cmd(db, paths), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    two = subprocess.Popen(_ingest_cmd(db, paths), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=600) for p in (one, two)]
    assert [p.returncode for p in (one, two)] == [0, 0], [o[1][-500:] for o in outs]
    results = [json.loads(o[0]) for o in outs]
    assert sum(r["documents_added"] for r in results) == 18
    stats, rows = _snapshot(db)
    assert stats["documents"] == 18 and stats["document_versions"] == 18
    assert len(rows) == len({r[0] + r[1] for r in rows}) or rows  # no statement stored twice
    with sqlite3.connect(db) as conn:
        dup = conn.execute(
            "SELECT count(*) FROM (SELECT document_pk, statement_id FROM statements "
            "GROUP BY document_pk, statement_id HAVING count(*) > 1)"
        ).fetchone()[0]
    assert dup == 0


# -- the command line ------------------------------------------------------------------------------------


def test_cli_ingest_check_and_queries(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    for doc in (ISRAEL, OTHER, US):
        (tmp_path / f"{doc.id}.txt").write_text(doc.text)
    r = runner.invoke(
        app, ["ingest", str(tmp_path / "israel.txt"), str(tmp_path / "weather.txt"), "--db", db, "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["documents_added"] == 2 and data["statements_added"] > 0 and data["seconds"] >= 0
    r = runner.invoke(app, ["check", str(tmp_path / "us.txt"), "--db", db, "--ingest", "-f", "json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["contradictions"] and report["models"]["store"] == db
    r = runner.invoke(app, ["stats", "--db", db, "-f", "json"])
    assert json.loads(r.stdout)["documents"] == 3 and json.loads(r.stdout)["contradictions"] >= 1
    r = runner.invoke(app, ["said", "Netanyahu", "--db", db, "-f", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)
    r = runner.invoke(app, ["contradictions", "--db", db, "-f", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["contradictions"]
    r = runner.invoke(app, ["speakers", "--db", db])
    assert r.exit_code == 0 and "Benjamin Netanyahu" in r.stdout
    r = runner.invoke(app, ["said", "Nobody Atall", "--db", db])
    assert r.exit_code == 1 and "no such speaker" in r.output


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00\x01 not sqlite")
    for args in (
        ["stats", "--db", str(bad)],
        ["said", "x", "--db", "mysql://h/d"],
        ["stats", "--db", str(tmp_path / "none.db")],
        ["check", "seeds", "--db", str(tmp_path / "none.db")],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code in (1, 2)
        lines = [line for line in r.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("checker: error:"), r.output
    assert not (tmp_path / "none.db").exists()  # only ingest and check --ingest create a store
    r = runner.invoke(app, ["said", "x", "--db", str(tmp_path / "s.db"), "--since", "yesterday"])
    assert r.exit_code == 1 and "not a date" in r.output


def test_a_store_of_the_first_schema_is_migrated_in_place(tmp_path: Path) -> None:
    """A store written at revision 0001 (before topic counts) opens, is upgraded, and keeps its data."""
    from alembic import command
    from alembic.config import Config

    from checker.store.database import _MIGRATIONS

    db = tmp_path / "old.db"
    with Store(str(db)) as store:
        store.ingest([ISRAEL, US])
        before = store.stats()
        engine = store.db.engine
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(_MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
        assert "topic_counts" not in tables
    with Store(str(db)) as store:
        assert store.stats() == before
        with store.db.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            counts = dict(conn.execute(text("SELECT key, statements FROM topic_counts")).all())
        assert version == "0002" and counts and all(n > 0 for n in counts.values())
