"""The senders on their own: apprise through a scheme registered in this process (no
network), apprise and webhooks against real servers on 127.0.0.1, URL checks and masking."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from apprise.decorators import notify as apprise_plugin

from agentcron.agents.signing import signature_headers, verify
from agentcron.engine.clock import ManualClock
from agentcron.notify import DeliveryError, Dispatcher, Message, check_url, kind_of, redact_url
from agentcron.notify.urls import is_public, mask_in
from agentcron.service.channels import ChannelDraft, ChannelService
from tests.agents.conftest import LoopbackServer
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CAPTURED: list[dict[str, Any]] = []
REFUSE = threading.Event()


@apprise_plugin(on="agentcrontest", name="agentcron test capture")
def _capture(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
    """An apprise service living in this process: records what it was asked to send."""
    CAPTURED.append({"title": title, "body": body, "type": str(notify_type)})
    return not REFUSE.is_set()


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    CAPTURED.clear()
    REFUSE.clear()
    yield
    REFUSE.clear()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    loopback = LoopbackServer()
    loopback.start()
    yield loopback
    loopback.stop()


def dispatcher(*, allow_private: bool = True) -> Dispatcher:
    return Dispatcher(sign=signature_headers, now=lambda: NOW, allow_private=allow_private)


MESSAGE = Message(
    id="n-1",
    event="failure",
    title="Failed: check the status page",
    body="Ran: @switch check the status page",
    payload={"schedule": {"id": "s-1"}, "execution": {"id": "e-1"}},
)


async def test_apprise_delivers_title_and_body_to_a_registered_scheme() -> None:
    sender = dispatcher()
    try:
        await sender.send("apprise", "agentcrontest://inbox", None, MESSAGE)
    finally:
        await sender.aclose()
    assert [{"title": MESSAGE.title, "body": MESSAGE.body, "type": "failure"}] == CAPTURED


async def test_an_apprise_refusal_is_a_delivery_error() -> None:
    REFUSE.set()
    with pytest.raises(DeliveryError) as refused:
        await dispatcher().send("apprise", "agentcrontest://inbox", None, MESSAGE)
    assert not refused.value.permanent


@pytest.mark.parametrize(
    ("status", "permanent"), [(410, True), (404, True), (500, False), (429, False)]
)
async def test_apprise_http_statuses_say_whether_to_give_up(
    server: LoopbackServer, status: int, permanent: bool
) -> None:
    server.respond(status, "no")
    url = server.url.replace("http://", "json://") + "/notify"
    with pytest.raises(DeliveryError) as refused:
        await dispatcher().send("apprise", url, None, MESSAGE)
    assert refused.value.permanent is permanent
    assert server.received and server.received[0].json()["title"] == MESSAGE.title


async def test_webhooks_are_signed_like_agent_webhooks(server: LoopbackServer) -> None:
    sender = dispatcher()
    try:
        await sender.send("webhook", f"{server.url}/hook", "whsec_test", MESSAGE)
    finally:
        await sender.aclose()
    (request,) = server.received
    assert verify("whsec_test", request.headers, request.body, now=NOW)
    assert not verify("another-secret", request.headers, request.body, now=NOW)
    body = request.json()
    assert {k: body[k] for k in ("id", "event", "title", "message")} == {
        "id": "n-1",
        "event": "failure",
        "title": MESSAGE.title,
        "message": MESSAGE.body,
    }
    assert body["schedule"] == {"id": "s-1"} and body["execution"] == {"id": "e-1"}


async def test_a_webhook_on_loopback_is_refused_at_send_time_unless_allowed(
    server: LoopbackServer,
) -> None:
    sender = dispatcher(allow_private=False)
    try:
        with pytest.raises(DeliveryError) as refused:
            await sender.send("webhook", f"{server.url}/hook", "s", MESSAGE)
    finally:
        await sender.aclose()
    assert refused.value.permanent and "private or loopback" in refused.value.message
    assert server.received == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/hook", "http://localhost:8080/x", "https://10.1.2.3/x", "http://[::1]/x"],
)
def test_private_webhook_urls_are_refused_unless_allowed(url: str) -> None:
    problem = check_url(url, allow_private=False)
    assert problem is not None and "private or loopback" in problem.message
    assert "AGENTCRON_NOTIFY_ALLOW_PRIVATE" in problem.fix
    assert check_url(url, allow_private=True) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "has no scheme"),
        ("https://", "has no host"),
        ("notaservice://x", "is not a URL apprise understands"),
        ("https://exa mple.com", "is not a URL"),
    ],
)
def test_unusable_urls_are_named(url: str, message: str) -> None:
    problem = check_url(url, allow_private=True)
    assert problem is not None and message in problem.message


def test_kinds_and_masking() -> None:
    assert kind_of("HTTPS://hooks.example.com/x") == "webhook"
    assert kind_of("slack://a/b/c") == "apprise"
    assert redact_url("https://user:pw@hooks.example.com:8443/T0K3N/abc?sig=1") == (
        "https://***@hooks.example.com:8443/***?***"
    )
    slack = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#alerts"
    shown = redact_url(slack)
    assert shown.startswith("slack://")
    for token in ("T1JJ3T3L2", "A1BRTD4JD", "TIiajkdnlazkcOXrIdevi7FQ"):
        assert token not in shown
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in mask_in(f"error at {slack}", slack)
    assert not is_public("127.0.0.1") and not is_public("::ffff:10.0.0.1")
    assert is_public("93.184.216.34")


async def test_a_failure_reaches_an_apprise_channel_through_the_engine(
    database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    agents.reset()
    world = World.build(database_url, clock, tmp_path)
    try:
        service = ChannelService(world.services, world.engine.dispatcher)
        view = service.create(world.user, ChannelDraft(name="chat", url="agentcrontest://team"))
        assert view.secret is None and view.row.kind == "apprise"
        world.create(
            command_text="@switch check the status page",
            max_retries=0,
            schedule_type="interval",
            interval_value=5,
            interval_unit="minutes",
        )
        agents.FAILING.set()
        clock.advance(minutes=5)
        await world.fire()
        assert (await world.engine.sender.tick()).sent == 1
        (sent,) = CAPTURED
        assert sent["title"] == "Failed: @switch check the status page"
        assert "Outcome: failed" in sent["body"]
        assert "Error: the status page says the API is down" in sent["body"]
        assert "http://127.0.0.1:8000/executions/" in sent["body"]
    finally:
        await world.close()
        await world.engine.dispatcher.aclose()
