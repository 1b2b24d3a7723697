"""What the web layer holds for the life of the app: the use cases it calls, the session
cookies, the templates and the sign-in rate limit. One instance, on `app.state.web`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import Environment
from starlette.requests import Request

from agentcron.auth.sessions import SessionCookies
from agentcron.config import Settings
from agentcron.service.agents import AgentsService
from agentcron.service.chains import ChainService
from agentcron.service.channels import ChannelService
from agentcron.service.dashboard import DashboardService
from agentcron.service.history import HistoryService
from agentcron.service.limits import RateLimiter
from agentcron.service.models import Clock, EventBus
from agentcron.service.schedules import ScheduleService
from agentcron.service.sessions import SessionService
from agentcron.service.status import StatusService
from agentcron.service.usecases import UseCases
from agentcron.service.users import UserService
from agentcron.web.templating import build_environment


@dataclass
class WebState:
    use_cases: UseCases
    cookies: SessionCookies
    secret_key: str
    sign_in_limiter: RateLimiter = field(init=False)
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.sign_in_limiter = RateLimiter(self.settings.auth_failures_per_minute)
        self.env = build_environment()

    @property
    def settings(self) -> Settings:
        return self.use_cases.settings

    @property
    def clock(self) -> Clock:
        return self.use_cases.clock

    @property
    def bus(self) -> EventBus:
        return self.use_cases.bus

    @property
    def schedules(self) -> ScheduleService:
        return self.use_cases.schedules

    @property
    def history(self) -> HistoryService:
        return self.use_cases.history

    @property
    def status(self) -> StatusService:
        return self.use_cases.status

    @property
    def users(self) -> UserService:
        return self.use_cases.users

    @property
    def sessions(self) -> SessionService:
        return self.use_cases.sessions

    @property
    def dashboard(self) -> DashboardService:
        return self.use_cases.dashboard

    @property
    def agents(self) -> AgentsService:
        return self.use_cases.agents

    @property
    def chains(self) -> ChainService:
        return self.use_cases.chains

    @property
    def channels(self) -> ChannelService:
        return self.use_cases.channels

    @property
    def hues(self) -> dict[str, int]:
        """Colour slots by agent, distinct for the first eight configured agents."""
        return {handle: i % 8 for i, handle in enumerate(self.agents.handles())}


def web_state(request: Request) -> WebState:
    state = request.app.state.web
    assert isinstance(state, WebState)
    return state
