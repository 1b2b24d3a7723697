"""Files agentcron creates hold secrets (token hashes, session keys, API tokens): they are
created readable by their owner only, whatever the umask, and so are the folders made for
them. Existing files and folders keep the modes their owner gave them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentcron.cli import app as cli_app
from agentcron.cli.config_file import CliConfig, save
from agentcron.config import Settings, ensure_secret_key
from agentcron.store.database import Store


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The common default: without care, files come out 0644 and folders 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "data" / "agentcron.db"
    store = Store(f"sqlite:///{database}")
    try:
        store.migrate()
        with store.write() as session:  # WAL and shared-memory files appear with a write
            session.connection().exec_driver_sql("CREATE TABLE probe (x INTEGER)")
        companions = {p.name: mode(p) for p in database.parent.iterdir() if p != database}
    finally:
        store.dispose()

    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600
    assert companions == {"agentcron.db-wal": 0o600, "agentcron.db-shm": 0o600}


def test_an_existing_database_folder_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    store = Store(f"sqlite:///{shared / 'agentcron.db'}")
    store.migrate()
    store.dispose()

    assert mode(shared) == 0o750
    assert mode(shared / "agentcron.db") == 0o600


def test_the_generated_session_key_and_data_folder_are_owner_only(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]

    key = ensure_secret_key(settings)

    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "secret_key") == 0o600
    assert ensure_secret_key(settings) == key


def test_a_backup_is_owner_only(sqlite_url: str, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "copy.db"

    result = CliRunner().invoke(cli_app, ["backup", str(target), "--database-url", sqlite_url])

    assert result.exit_code == 0, result.stderr
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700


def test_the_cli_config_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "agentcron" / "config.toml"
    path.parent.mkdir(parents=True)
    path.parent.chmod(0o755)
    path.with_name("config.toml.tmp").write_text("stale")  # left by a crash, world-readable

    save(CliConfig(url="http://127.0.0.1:8000", tokens={"http://127.0.0.1:8000": "acr_x"}), path)
    fresh = save(CliConfig(), tmp_path / "new" / "config.toml")

    assert mode(path) == 0o600
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700
