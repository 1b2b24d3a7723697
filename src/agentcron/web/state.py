"""What the web layer holds for the life of the app: the services it calls, the session
cookies, the templates and the sign-in rate limit. One instance, on `app.state.web`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jinja2 import Environment
from starlette.requests import Request

from agentcron.auth.sessions import SessionCookies
from agentcron.service.context import Services
from agentcron.service.dashboard import DashboardService
from agentcron.service.history import HistoryService
from agentcron.service.limits import RateLimiter
from agentcron.service.schedules import ScheduleService
from agentcron.service.status import StatusService
from agentcron.service.users import UserService
from agentcron.web.templating import build_environment

if TYPE_CHECKING:
    from agentcron.app import Runtime


@dataclass
class WebState:
    runtime: Runtime
    cookies: SessionCookies
    secret_key: str
    services: Services = field(init=False)
    schedules: ScheduleService = field(init=False)
    history: HistoryService = field(init=False)
    status: StatusService = field(init=False)
    users: UserService = field(init=False)
    dashboard: DashboardService = field(init=False)
    sign_in_limiter: RateLimiter = field(init=False)
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.services = services = self.runtime.services
        self.schedules = ScheduleService(services)
        self.history = HistoryService(services)
        self.status = StatusService(services)
        self.users = UserService(services)
        self.dashboard = DashboardService(services)
        self.sign_in_limiter = RateLimiter(services.settings.auth_failures_per_minute)
        self.env = build_environment()

    @property
    def hues(self) -> dict[str, int]:
        """Colour slots by agent, distinct for the first eight configured agents."""
        return {handle: i % 8 for i, handle in enumerate(self.services.agents.handles())}


def web_state(request: Request) -> WebState:
    state = request.app.state.web
    assert isinstance(state, WebState)
    return state
