"""`/api/agents`: who commands can be addressed to, and reloading the agents file."""

from __future__ import annotations

from fastapi import APIRouter

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas import AgentOut, ReloadOut
from agentcron.api.schemas.system import CategoryOut
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/agents", tags=["agents"])


@router.get(
    "", response_model=list[AgentOut], summary="The agents", responses=responses(401, 429, 500)
)
def list_agents(api: ApiDep, user: CurrentUser) -> list[AgentOut]:
    """Handle, name, description and backend kind; never URLs, keys or settings."""
    return [
        AgentOut(
            handle=i.handle,
            name=i.name,
            description=i.description,
            backend=i.backend,
            categories=list(i.categories),
        )
        for i in api.agents.infos()
    ]


@router.get(
    "/categories",
    response_model=list[CategoryOut],
    summary="The groups of agents",
    responses=responses(401, 429, 500),
)
def list_categories(api: ApiDep, user: CurrentUser) -> list[CategoryOut]:
    """Each category (`categories = [...]` in agents.toml) with its members. A command to
    `@category` runs once per member agent at each slot."""
    return [
        CategoryOut(name=name, members=members) for name, members in api.agents.categories().items()
    ]


@router.post(
    "/reload",
    response_model=ReloadOut,
    summary="Re-read the agents file (administrators)",
    responses=responses(401, 403, 429, 500),
)
def reload_agents(api: ApiDep, user: CurrentUser) -> ReloadOut:
    """Reads the operator's agents file again (as SIGHUP does). A file with problems changes
    nothing: the answer has `ok: false`, says why, and lists the agents still serving.
    Nothing in the request can add or change an agent."""
    outcome = api.agents.reload(user)
    return ReloadOut(ok=outcome.ok, message=outcome.message, handles=outcome.handles)
