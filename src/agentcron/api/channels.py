"""`/api/channels`: where your notifications go. Another user's channel answers 404, exactly
like a missing one; a channel's URL is always shown masked, and a webhook's signing secret
only in the answer that created it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path, Response, status
from fastapi.openapi.models import Example

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.channels import ChannelIn, ChannelList, ChannelOut, ChannelTestOut
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/channels", tags=["notifications"])

ChannelId = Annotated[uuid.UUID, Path(description="The channel's id.")]
ONE = responses(401, 404, 429, 500)
WRITE = responses(401, 404, 409, 413, 422, 429, 500)
EXAMPLES: dict[str, Example] = {
    "webhook": {
        "summary": "A signed JSON webhook, told about failures and recoveries",
        "value": {
            "name": "ops",
            "url": "https://hooks.example.com/agentcron",
            "on": ["failure", "recovery"],
        },
    },
    "slack": {
        "summary": "Slack through apprise",
        "value": {"name": "team-slack", "url": "slack://TokenA/TokenB/TokenC/#alerts"},
    },
}


@router.post(
    "",
    response_model=ChannelOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add a channel",
    responses=responses(401, 409, 413, 422, 429, 500),
)
def create_channel(
    api: ApiDep,
    user: CurrentUser,
    body: Annotated[ChannelIn, Body(openapi_examples=EXAMPLES)],
    response: Response,
) -> ChannelOut:
    """Its `on` events apply to all your schedules (a schedule may narrow them with its own
    `notify`). A webhook's answer carries `secret`, once: verify
    `X-Agentcron-Signature: sha256=HMAC(secret, "<X-Agentcron-Timestamp>.<body>")`.
    Webhooks on private or loopback addresses are refused unless the server allows them."""
    view = api.channels.create(user, body.draft())
    response.headers["Location"] = f"{router.prefix}/{view.row.id}"
    return ChannelOut.of(view)


@router.get(
    "", response_model=ChannelList, summary="Your channels", responses=responses(401, 429, 500)
)
def list_channels(api: ApiDep, user: CurrentUser) -> ChannelList:
    """Oldest first, each with its last error and when it last sent."""
    return ChannelList(items=[ChannelOut.of(v) for v in api.channels.list(user)])


@router.get("/{channel_id}", response_model=ChannelOut, summary="One channel", responses=ONE)
def get_channel(api: ApiDep, user: CurrentUser, channel_id: ChannelId) -> ChannelOut:
    return ChannelOut.of(api.channels.get(user, channel_id))


@router.patch(
    "/{channel_id}", response_model=ChannelOut, summary="Change a channel", responses=WRITE
)
def update_channel(
    api: ApiDep, user: CurrentUser, channel_id: ChannelId, body: ChannelIn
) -> ChannelOut:
    """Only the fields given change. `enabled: true` turns a channel agentcron disabled
    (after a permanent refusal) back on."""
    return ChannelOut.of(api.channels.update(user, channel_id, body.draft()))


@router.delete(
    "/{channel_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a channel",
    responses=ONE,
)
def delete_channel(api: ApiDep, user: CurrentUser, channel_id: ChannelId) -> Response:
    """Its waiting notifications and its delivery log go with it."""
    api.channels.delete(user, channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{channel_id}/test",
    response_model=ChannelTestOut,
    summary="Send a test notification",
    responses=ONE,
)
async def test_channel(api: ApiDep, user: CurrentUser, channel_id: ChannelId) -> ChannelTestOut:
    """Sends now and answers with the outcome (also in the delivery log). A refusal is
    reported here and kept as the channel's last error; it does not disable the channel."""
    return ChannelTestOut.of(await api.channels.test(user, channel_id))
