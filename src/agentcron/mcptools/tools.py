"""The tools, defined once over `Operations`: names, arguments, annotations, results.

Each returns structured content (validated against its output schema by the SDK) and a short
text; a refusal is a tool error (`isError`) whose text is the API's own words. Read tools are
annotated read-only; `delete_schedule` destructive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from agentcron.mcptools import texts
from agentcron.mcptools.arguments import draft_of, statuses_of
from agentcron.mcptools.models import (
    AgentList,
    Deleted,
    Execution,
    ExecutionDetail,
    ExecutionList,
    Paused,
    Preview,
    Schedule,
    ScheduleList,
)
from agentcron.mcptools.operations import OperationError, OperationsFor

M = TypeVar("M", bound=BaseModel)

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
TOGGLE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
DESTROY = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False
)
# Running a schedule now hands its command to an agent, which may act on the world.
RUN = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)

Id = Annotated[str, Field(description="The schedule's id, or a unique prefix of it (8 digits).")]
SENTENCE = 'One sentence: "@alice summarise my inbox every weekday at 8am".'
Sentence = Annotated[str, Field(description=SENTENCE)]
Text = Annotated[str | None, Field(description=SENTENCE)]
Zone = Annotated[
    str | None, Field(description="IANA time zone (Europe/Berlin); default: the user's.")
]
Command = Annotated[
    str | None, Field(description="What the agent should do; may start with its @handle.")
]
AgentArg = Annotated[str | None, Field(description="The agent's handle (alice or @alice).")]
Cron = Annotated[
    str | None, Field(description='Five cron fields in `timezone`, e.g. "0 8 * * 1-5".')
]
Interval = Annotated[
    str | None, Field(description='Elapsed time between runs: "30 minutes", "2 hours", "1 day".')
]
RunAt = Annotated[
    datetime | None,
    Field(description="For a single run: an ISO 8601 instant with its offset."),
]
Describe = Annotated[str | None, Field(description="Your own note about the schedule.")]
Key = Annotated[str | None, Field(description="Your own unique name for the schedule.")]
NOTHING_TO_CHANGE = (
    "nothing to change: give text, command, agent, cron, interval, run_at, timezone or description"
)
Limit = Annotated[int, Field(ge=1, le=200, description="How many at most (1 to 200).")]


def register_tools(server: MCPServer, operations_for: OperationsFor) -> None:
    @server.tool(title="List agents", annotations=READ)
    async def list_agents(ctx: Context) -> Annotated[CallToolResult, AgentList]:
        """The agents commands can be addressed to (@handle), with what each does."""
        return await answer(lambda: operations_for(ctx).agents(), texts.agents)

    @server.tool(title="Preview a schedule", annotations=READ)
    async def preview_schedule(
        text: Sentence,
        ctx: Context,
        timezone: Zone = None,
    ) -> Annotated[CallToolResult, Preview]:
        """What a sentence means: its timing in words and its next runs. Nothing is saved;
        a sentence that cannot be read is refused with what was understood and an example."""
        return await answer(
            lambda: operations_for(ctx).preview(draft_of(text=text, timezone=timezone)),
            texts.preview,
        )

    @server.tool(title="Create a schedule", annotations=WRITE)
    async def create_schedule(
        ctx: Context,
        text: Text = None,
        timezone: Zone = None,
        agent: AgentArg = None,
        command: Command = None,
        cron: Cron = None,
        interval: Interval = None,
        run_at: RunAt = None,
        description: Describe = None,
        key: Key = None,
    ) -> Annotated[CallToolResult, Schedule]:
        """Schedule a command for an agent: give one sentence in `text`, or `command` (and
        `agent`, unless the command starts with @handle) with one of `cron`, `interval` or
        `run_at`. Returns the schedule with its next runs."""

        def create() -> Awaitable[Schedule]:
            draft = draft_of(
                text=text,
                command=command,
                agent=agent,
                cron=cron,
                interval=interval,
                run_at=run_at,
                timezone=timezone,
                description=description,
                key=key,
            )
            return operations_for(ctx).create(draft)

        return await answer(create, lambda s: texts.schedule("Created", s))

    @server.tool(title="List schedules", annotations=READ)
    async def list_schedules(
        ctx: Context,
        agent: Annotated[str | None, Field(description="Only this agent's.")] = None,
        enabled: Annotated[
            bool | None, Field(description="true: only active ones; false: only paused.")
        ] = None,
        query: Annotated[
            str | None, Field(description="Text in the command, description or agent.")
        ] = None,
        limit: Limit = 50,
    ) -> Annotated[CallToolResult, ScheduleList]:
        """Your schedules, oldest first, each with its timing in words and next run."""
        return await answer(
            lambda: operations_for(ctx).schedules(
                agent=agent, enabled=enabled, query=query, limit=limit
            ),
            texts.schedules,
        )

    @server.tool(title="Get a schedule", annotations=READ)
    async def get_schedule(id: Id, ctx: Context) -> Annotated[CallToolResult, Schedule]:
        """One schedule, with its timing in words and its next five runs."""
        return await answer(
            lambda: operations_for(ctx).schedule(id), lambda s: texts.schedule("", s)
        )

    @server.tool(title="Change a schedule", annotations=WRITE)
    async def update_schedule(
        id: Id,
        ctx: Context,
        text: Text = None,
        timezone: Zone = None,
        agent: AgentArg = None,
        command: Command = None,
        cron: Cron = None,
        interval: Interval = None,
        run_at: RunAt = None,
        description: Describe = None,
    ) -> Annotated[CallToolResult, Schedule]:
        """Change what you give; everything else stays. A new sentence in `text` replaces
        the timing and the command; unchanged timing keeps the next run."""

        def update() -> Awaitable[Schedule]:
            draft = draft_of(
                text=text,
                command=command,
                agent=agent,
                cron=cron,
                interval=interval,
                run_at=run_at,
                timezone=timezone,
                description=description,
            )
            if not draft.given():
                raise OperationError(NOTHING_TO_CHANGE, status=422)
            return operations_for(ctx).update(id, draft)

        return await answer(update, lambda s: texts.schedule("Updated", s))

    @server.tool(title="Pause a schedule", annotations=TOGGLE)
    async def pause_schedule(
        id: Id,
        ctx: Context,
        note: Annotated[str | None, Field(description="Why it is paused, for later.")] = None,
        until: Annotated[
            datetime | None,
            Field(description="When it should resume by itself (ISO 8601 with offset)."),
        ] = None,
    ) -> Annotated[CallToolResult, Paused]:
        """Stop a schedule firing; its history stays and resume_schedule starts it again.
        With `until` it resumes by itself then (the slots in between are recorded as
        skipped); `note` is kept and shown with the schedule."""
        return await answer(
            lambda: operations_for(ctx).pause(id, note=note, until=until),
            lambda p: texts.paused(p, note, until),
        )

    @server.tool(title="Resume a schedule", annotations=TOGGLE)
    async def resume_schedule(id: Id, ctx: Context) -> Annotated[CallToolResult, Schedule]:
        """Fire again from the next slot after now (slots missed while paused are skipped)."""
        return await answer(
            lambda: operations_for(ctx).resume(id), lambda s: texts.schedule("Resumed", s)
        )

    @server.tool(title="Delete a schedule", annotations=DESTROY)
    async def delete_schedule(id: Id, ctx: Context) -> Annotated[CallToolResult, Deleted]:
        """Delete a schedule and its whole history, for good. To keep the history, pause it."""
        return await answer(lambda: operations_for(ctx).delete(id), texts.deleted)

    @server.tool(title="Run a schedule now", annotations=RUN)
    async def run_schedule_now(id: Id, ctx: Context) -> Annotated[CallToolResult, Execution]:
        """Queue a run outside the schedule's timing; the engine runs it at once with the
        schedule's timeout and retries. Follow it with get_execution."""
        return await answer(lambda: operations_for(ctx).run_now(id), texts.queued)

    @server.tool(title="List executions", annotations=READ)
    async def list_executions(
        ctx: Context,
        schedule_id: Annotated[
            str | None, Field(description="Only this schedule's (id or unique prefix).")
        ] = None,
        status: Annotated[
            str | None,
            Field(
                description="Only this status, or several separated by commas: pending, "
                "running, success, failed, timed_out, missed, skipped, cancelled."
            ),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=200, description="How many (1 to 200).")] = 20,
    ) -> Annotated[CallToolResult, ExecutionList]:
        """What ran, newest first: status, duration, tokens, a summary or the error."""
        return await answer(
            lambda: operations_for(ctx).executions(
                schedule=schedule_id, statuses=statuses_of(status), limit=limit
            ),
            texts.executions,
        )

    @server.tool(title="Get an execution", annotations=READ)
    async def get_execution(
        id: Annotated[str, Field(description="The execution's id.")], ctx: Context
    ) -> Annotated[CallToolResult, ExecutionDetail]:
        """One execution with its attempts and the agent's output (at most 8 KiB: the
        middle of a longer one is cut)."""

        async def bounded() -> ExecutionDetail:
            return (await operations_for(ctx).execution(id)).bounded()

        return await answer(bounded, texts.execution)


async def answer(call: Callable[[], Awaitable[M]], text_of: Callable[[M], str]) -> CallToolResult:
    """The operation's model as structured content and a short text, or a tool error (the
    arguments are translated inside `call`, so a bad one is a tool error too)."""
    try:
        model = await call()
    except OperationError as exc:
        return failure(exc)
    return CallToolResult(
        content=[TextContent(type="text", text=text_of(model))],
        structured_content=model.model_dump(mode="json"),
    )


def failure(exc: OperationError) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=texts.refusal(exc.detail, exc.understood))],
        is_error=True,
    )
