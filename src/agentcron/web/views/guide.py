"""`/help/sentences`: the kinds of sentences the editor understands, each with examples
shown as what they become (asked of the service, so the page cannot promise more than the
parser does) and a link that tries one in the editor.

The examples are data: add a `Kind`, or an example to one, as the parser learns more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentcron.errors import InvalidInput
from agentcron.service.drafts import ScheduleDraft
from agentcron.service.models import User
from agentcron.web.routing import Visitor, WebRoute, page, run, visitor
from agentcron.web.state import WebState

router = APIRouter(route_class=WebRoute)


@dataclass(frozen=True)
class Kind:
    title: str
    about: str
    examples: tuple[str, ...]  # what to do, then when: the agent's @handle goes in front
    refused: bool = False  # examples of what is refused, and why


KINDS = (
    Kind(
        "Every few minutes, hours or days",
        "Elapsed time, counted from when the schedule starts, so runs never drift.",
        (
            "check the queue every 30 minutes",
            "ping the status page every 90 minutes",
            "back up the notes hourly",
            "water the plants every other day at 8am",
            "pay rent every other friday at 5pm",
        ),
    ),
    Kind(
        "At times of day",
        "Every day at the times you name: 24-hour or am/pm, noon and midnight.",
        (
            "send the digest every day at 17:30",
            "look at the build daily at noon",
            "check the inbox at 9am, 1pm and 6pm",
            "stretch twice a day at 9am and 5pm",
        ),
    ),
    Kind(
        "On days of the week",
        "Weekdays, weekends, named days and ranges, always with a time of day.",
        (
            "check deprecated models every weekday at 9am",
            "tidy the backlog on weekends at 10am",
            "review open pull requests on tuesdays and thursdays at 14:00",
            "read the alerts mon-fri at 8:30",
        ),
    ),
    Kind(
        "Within hours, on some days",
        "Repeats inside a window of the day, or on some days only.",
        (
            "watch the queue every hour between 9 and 17",
            "check email every 30 min during business hours",
            "summarize the news every 3 hours on weekdays",
        ),
    ),
    Kind(
        "Monthly and yearly",
        "Days of the month (the last one too), the first or last weekday of a month, a date.",
        (
            "pay the bills on the 1st and 15th at 9am",
            "write the report on the first monday of every month at 10",
            "close the books on the last business day of the month at 17:00",
            "invoice every quarter on the 1st at 9am",
            "renew the domain every year on january 1st at 8",
        ),
    ),
    Kind(
        "Once",
        "A single run; the schedule turns itself off afterwards.",
        (
            "check the deploy in 30 minutes",
            "call the bank tomorrow at 3pm",
            "send the invoice next friday at 10",
        ),
    ),
    Kind(
        "In a time zone",
        "Without one, times are in the zone of the form (your own by default). A zone follows "
        "its place's daylight saving: PT is Pacific time in winter and in summer.",
        (
            "report every weekday at 9am in Europe/Berlin",
            "send the report every friday at 5pm PT",
        ),
    ),
    Kind(
        "Refused, with a reason",
        "What is not clear is refused, never guessed: no time of day is made up, an hour "
        "that could be morning or evening is asked about, and no schedule may run more "
        "often than the minimum gap.",
        ("report every monday", "report every friday at 5", "report every 2 minutes"),
        refused=True,
    ),
)


@dataclass(frozen=True)
class Shown:
    sentence: str
    means: str  # the schedule in words, or the refusal
    ok: bool


def explained(state: WebState, user: User, agent: str) -> list[tuple[Kind, list[Shown]]]:
    """Every example as the service reads it for this user (their zone, their agents)."""
    found = []
    for kind in KINDS:
        shown = []
        for example in kind.examples:
            sentence = f"@{agent} {example}"
            try:
                preview = state.schedules.preview(user, ScheduleDraft(text=sentence))
            except InvalidInput as exc:
                shown.append(Shown(sentence, "; ".join(p.message for p in exc.problems), False))
            else:
                shown.append(Shown(sentence, preview.description, True))
        found.append((kind, shown))
    return found


@router.get("/help/sentences")
async def sentences(request: Request) -> Response:
    """Open to visitors too: a refusal in the CLI or the API points here."""
    who: Visitor = await visitor(request)
    state = who.state
    handles = state.agents.handles()
    agent = handles[0] if handles else "alice"
    context: dict[str, Any] = {"title": "Saying when, in a sentence", "nav": "", "agent": agent}
    if who.user is not None and handles:
        context["kinds"] = await run(explained, state, who.user, agent)
    else:
        context["kinds"] = [
            (kind, [Shown(f"@{agent} {e}", "", not kind.refused) for e in kind.examples])
            for kind in KINDS
        ]
    return page(request, who, "help_sentences.html", context)
