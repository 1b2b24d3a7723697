"""X-Forwarded-For decides the client's address only behind a proxy the operator trusts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from agentcron.agents import AgentRegistry
from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.forwarded import client_address, parse_networks
from tests.support.live import LiveServer
from tests.support.world import write_agents

PROXIES = parse_networks("10.0.0.1, 192.168.0.0/16")


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # a client's own header: ignored
        ("10.0.0.1", "198.51.100.1", "198.51.100.1"),  # our proxy's word
        ("10.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client made up is left
        ("10.0.0.1", "198.51.100.1, 192.168.4.4", "198.51.100.1"),  # through two of ours
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "not-an-ip, 192.168.4.4", "not-an-ip"),
    ],
)
def test_the_client_is_the_nearest_untrusted_hop(peer: str, header: str, expected: str) -> None:
    assert client_address(peer, header, PROXIES) == expected


def test_no_trusted_proxies_means_the_peer() -> None:
    assert client_address("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"


def test_a_bad_entry_is_named() -> None:
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_networks("10.0.0.1, 10.0.0.300")


def _failures_until_refused(url: str, spoof: bool) -> int:
    """Wrong tokens sent until the server says 429; each from a new forwarded address."""
    with httpx.Client(base_url=url, timeout=10) as client:
        for attempt in range(1, 20):
            headers = {"Authorization": "Bearer acr_wrong"}
            if spoof:
                headers["X-Forwarded-For"] = f"198.51.100.{attempt}"
            if client.get("/api/me", headers=headers).status_code == 429:
                return attempt
    return 0


def _server(sqlite_url: str, tmp_path: Path, trusted: str) -> LiveServer:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=sqlite_url,
        agents_file=write_agents(tmp_path),
        data_dir=tmp_path / "data",
        auth_failures_per_minute=3,
        trusted_proxies=trusted,
    )
    registry = AgentRegistry(settings.agents_file)
    registry.load()
    app = create_app(settings, registry=registry, run_engine=False)
    return LiveServer(app, proxy_headers=False)  # as `agentcron serve` runs it


def test_a_forged_header_does_not_escape_the_sign_in_limit(sqlite_url: str, tmp_path: Path) -> None:
    with _server(sqlite_url, tmp_path, "") as server:
        assert _failures_until_refused(server.url, spoof=True) == 4


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(
    sqlite_url: str, tmp_path: Path
) -> None:
    with _server(sqlite_url, tmp_path, "127.0.0.1") as server:
        assert _failures_until_refused(server.url, spoof=True) == 0
