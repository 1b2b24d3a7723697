"""Every tool and its refusals, through the SDK's client in memory, as one user over the real
use cases: the same rules, limits and words as the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest
from mcp import Client

from agentcron.engine.clock import ManualClock
from agentcron.mcptools.models import OUTPUT_MAX_BYTES
from agentcron.service import ScheduleDraft, UseCases
from agentcron.service.models import User
from tests.mcp_server.conftest import LONG_OUTPUT, MakeUseCases, ok, refused, text_of

pytestmark = pytest.mark.anyio

Connect = Callable[[User], AbstractAsyncContextManager[Client]]
SENTENCE = "@alice summarise my inbox every weekday at 8am"
TOOLS = {
    "list_agents",
    "preview_schedule",
    "create_schedule",
    "list_schedules",
    "get_schedule",
    "update_schedule",
    "pause_schedule",
    "resume_schedule",
    "delete_schedule",
    "run_schedule_now",
    "list_executions",
    "get_execution",
}
READ_ONLY = {
    "list_agents",
    "preview_schedule",
    "list_schedules",
    "get_schedule",
    "list_executions",
    "get_execution",
}


async def test_the_tools_are_named_annotated_and_describe_their_output(
    connect: Connect, ada: User
) -> None:
    async with connect(ada) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None and tool.description and tool.title, name
        assert hints.read_only_hint is (name in READ_ONLY), name
        if name not in READ_ONLY:
            assert hints.destructive_hint is (name == "delete_schedule"), name
        assert tool.output_schema and tool.output_schema["type"] == "object", name
    create = tools["create_schedule"].input_schema["properties"]
    assert {"text", "timezone", "agent", "command", "cron", "interval", "run_at"} <= set(create)
    pause = tools["pause_schedule"].input_schema
    assert set(pause["properties"]) == {"id", "note", "until"} and pause["required"] == ["id"]
    assert tools["preview_schedule"].input_schema["required"] == ["text"]


async def test_list_agents(connect: Connect, ada: User) -> None:
    async with connect(ada) as client:
        result = await client.call_tool("list_agents", {})
    agents = ok(result)["agents"]
    assert [a["handle"] for a in agents] == ["alice", "bob", "chatty"]
    assert agents[0] == {
        "handle": "alice",
        "name": "Alice",
        "description": "Reads the inbox",
        "backend": "echo",
    }
    assert "@alice (Alice, echo)" in text_of(result)


async def test_preview_says_what_a_sentence_means_and_saves_nothing(
    connect: Connect, ada: User, use_cases: UseCases
) -> None:
    async with connect(ada) as client:
        result = await client.call_tool("preview_schedule", {"text": SENTENCE})
        zoned = await client.call_tool(
            "preview_schedule", {"text": SENTENCE, "timezone": "Asia/Tokyo"}
        )
    preview = ok(result)
    assert (preview["schedule_type"], preview["cron_expression"]) == ("cron", "0 8 * * 1-5")
    assert preview["timezone"] == "Europe/Berlin"  # the user's own zone by default
    assert preview["agent_id"] == "alice" and len(preview["next_runs"]) == 5
    assert preview["schedule_text"] == "At 08:00, Monday through Friday (Europe/Berlin)"
    assert "Nothing saved" in text_of(result)
    assert "2026-03-03T08:00+01:00" in text_of(result)  # the first run, in Berlin's time
    assert ok(zoned)["timezone"] == "Asia/Tokyo"
    assert use_cases.schedules.list(ada)[1] == 0


async def test_a_refused_sentence_says_what_was_understood_and_gives_an_example(
    connect: Connect, ada: User
) -> None:
    async with connect(ada) as client:
        for tool in ("preview_schedule", "create_schedule"):
            text = refused(await client.call_tool(tool, {"text": "@bob tidy up every monday"}))
            detail, understood = text.split("\n")
            assert detail.startswith("text: "), detail
            assert 'e.g. "@bob tidy up every monday at 9am"' in detail
            assert understood == (
                'Understood so far: agent @bob; command "@bob tidy up"; '
                'timing "every monday"; time zone Europe/Berlin.'
            )


async def test_create_from_a_sentence_or_from_fields(connect: Connect, ada: User) -> None:
    async with connect(ada) as client:
        sentence = ok(await client.call_tool("create_schedule", {"text": SENTENCE}))
        cron = ok(
            await client.call_tool(
                "create_schedule",
                {
                    "agent": "bob",
                    "command": "rotate the logs",
                    "cron": "0 3 * * *",
                    "timezone": "UTC",
                    "description": "nightly",
                    "key": "logs",
                },
            )
        )
        interval = await client.call_tool(
            "create_schedule", {"command": "@bob poll the queue", "interval": "every 2 hours"}
        )
        once = ok(
            await client.call_tool(
                "create_schedule",
                {"command": "@alice renew the domain", "run_at": "2026-04-01T10:00:00+02:00"},
            )
        )
    assert sentence["command_text"] == "@alice summarise my inbox"
    assert (sentence["agent_id"], sentence["enabled"]) == ("alice", True)
    assert uuid.UUID(sentence["id"]) and len(sentence["next_runs"]) == 5
    assert (cron["agent_id"], cron["cron_expression"], cron["key"]) == ("bob", "0 3 * * *", "logs")
    assert cron["description"] == "nightly" and cron["timezone"] == "UTC"
    every = ok(interval)
    assert (every["schedule_type"], every["interval_value"], every["interval_unit"]) == (
        "interval",
        2,
        "hours",
    )
    assert text_of(interval).startswith(f'Created schedule {every["id"]}: "@bob poll the queue"')
    assert (once["schedule_type"], once["run_at"]) == ("once", "2026-04-01T08:00:00Z")


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (
            {"command": "@bob x", "cron": "0 3 * * *", "interval": "1 day"},
            "cron, interval: give one of cron, interval or run_at, not 2 (or one sentence in text)",
        ),
        (
            {"command": "@bob x", "interval": "fortnightly"},
            'interval: \'fortnightly\' is not an interval (e.g. "30 minutes", "2 hours" or '
            '"1 day")',
        ),
        ({"command": "@zed x", "cron": "0 3 * * *"}, "agent_id: no agent @zed"),
        (
            {"command": "@bob x", "cron": "*/2 * * * *"},
            "cron_expression: fires only 2 minutes apart",
        ),
        ({"command": "@bob x"}, "schedule_type: is required"),
        ({"text": SENTENCE, "command": "@bob x"}, "text: give either a sentence or the fields"),
    ],
)
async def test_create_refuses_bad_fields_naming_them(
    connect: Connect, ada: User, use_cases: UseCases, arguments: dict[str, str], words: str
) -> None:
    async with connect(ada) as client:
        text = refused(await client.call_tool("create_schedule", arguments))
    assert text.startswith(words), text
    assert use_cases.schedules.list(ada)[1] == 0


async def test_create_keeps_the_cap_and_the_write_rate(
    make_use_cases: MakeUseCases, clock: ManualClock
) -> None:
    from agentcron.mcp_server import server_for_user

    use_cases = make_use_cases(max_schedules_per_user=1, write_rate_per_minute=2)
    user = use_cases.users.create("bea", "UTC")
    async with Client(server_for_user(use_cases, user)) as client:
        ok(await client.call_tool("create_schedule", {"text": SENTENCE}))
        full = refused(await client.call_tool("create_schedule", {"text": SENTENCE}))
        busy = refused(await client.call_tool("create_schedule", {"text": SENTENCE}))
    assert full == "you have reached the limit of 1 schedules; delete or reuse one first"
    assert busy == "too many changes: at most 2 per minute"


async def test_list_schedules_filters_and_counts(
    connect: Connect, ada: User, use_cases: UseCases
) -> None:
    for text in (SENTENCE, "@bob tidy the wiki every day at 6pm", "@bob water plants at noon"):
        use_cases.schedules.create(ada, ScheduleDraft(text=text))
    async with connect(ada) as client:
        everything = await client.call_tool("list_schedules", {})
        bobs = ok(await client.call_tool("list_schedules", {"agent": "@bob"}))
        found = ok(await client.call_tool("list_schedules", {"query": "WIKI"}))
        first = ok(await client.call_tool("list_schedules", {"limit": 1}))
        none = await client.call_tool("list_schedules", {"enabled": False})
        too_many = await client.call_tool("list_schedules", {"limit": 500})
    listed = ok(everything)
    assert listed["total"] == 3 and len(listed["items"]) == 3
    assert text_of(everything).startswith("3 of 3 schedules:")
    assert [s["agent_id"] for s in bobs["items"]] == ["bob", "bob"]
    assert [s["command_text"] for s in found["items"]] == ["@bob tidy the wiki"]
    assert (len(first["items"]), first["total"]) == (1, 3)
    assert ok(none) == {"items": [], "total": 0} and text_of(none) == "No schedules match."
    assert refused(too_many) == "limit: Input should be less than or equal to 200 (use at most 200)"


async def test_get_schedule_by_id_or_unique_prefix_and_never_another_users(
    connect: Connect, ada: User, use_cases: UseCases
) -> None:
    mine = str(use_cases.schedules.create(ada, ScheduleDraft(text=SENTENCE)).row.id)
    bea = use_cases.users.create("bea", "UTC")
    theirs = str(use_cases.schedules.create(bea, ScheduleDraft(text=SENTENCE)).row.id)
    missing = str(uuid.uuid4())
    async with connect(ada) as client:
        full = ok(await client.call_tool("get_schedule", {"id": mine}))
        short = ok(await client.call_tool("get_schedule", {"id": mine[:8]}))
        foreign = refused(await client.call_tool("get_schedule", {"id": theirs}))
        absent = refused(await client.call_tool("get_schedule", {"id": missing}))
        their_prefix = refused(await client.call_tool("get_schedule", {"id": theirs[:8]}))
        nonsense = refused(await client.call_tool("get_schedule", {"id": "not an id"}))
    assert full == short and full["id"] == mine
    assert full["schedule_text"] == "At 08:00, Monday through Friday (Europe/Berlin)"
    assert foreign == f"no schedule {theirs}"  # exactly as one that never existed:
    assert absent == f"no schedule {missing}"
    assert their_prefix == f"no schedule {theirs[:8]}"
    assert nonsense == "no schedule not an id"


async def test_a_prefix_naming_several_schedules_asks_for_more_digits(
    connect: Connect, ada: User, use_cases: UseCases
) -> None:
    ids = [
        str(use_cases.schedules.create(ada, ScheduleDraft(text=SENTENCE)).row.id)
        for _ in range(17)  # 16 hex digits: two of them share a first one
    ]
    firsts = [i[0] for i in ids]
    shared = next(c for c in firsts if firsts.count(c) > 1)
    async with connect(ada) as client:
        text = refused(await client.call_tool("get_schedule", {"id": shared}))
    assert text == (
        f"id prefix {shared!r} matches {firsts.count(shared)} schedules; give more digits"
    )


async def test_update_changes_what_is_given_only(
    connect: Connect, ada: User, use_cases: UseCases
) -> None:
    sid = str(use_cases.schedules.create(ada, ScheduleDraft(text=SENTENCE)).row.id)
    async with connect(ada) as client:
        described = ok(
            await client.call_tool("update_schedule", {"id": sid[:6], "description": "mornings"})
        )
        retimed = ok(
            await client.call_tool(
                "update_schedule", {"id": sid, "cron": "30 7 * * *", "timezone": "UTC"}
            )
        )
        reworded = await client.call_tool(
            "update_schedule", {"id": sid, "text": "@bob summarise the news every day at 6am"}
        )
        nothing = refused(await client.call_tool("update_schedule", {"id": sid}))
        too_often = refused(
            await client.call_tool("update_schedule", {"id": sid, "interval": "1 minute"})
        )
        missing = refused(
            await client.call_tool("update_schedule", {"id": "abc123", "description": "x"})
        )
    assert described["description"] == "mornings"
    assert described["cron_expression"] == "0 8 * * 1-5"  # unchanged
    assert (retimed["cron_expression"], retimed["timezone"]) == ("30 7 * * *", "UTC")
    assert retimed["description"] == "mornings"
    assert ok(reworded)["agent_id"] == "bob"
    assert text_of(reworded).startswith("Updated schedule")
    assert nothing.startswith("nothing to change")
    assert too_often.startswith("interval_value:"), too_often
    assert missing == "no schedule abc123"


async def test_pause_and_resume(
    connect: Connect, ada: User, use_cases: UseCases, clock: ManualClock
) -> None:
    sid = str(use_cases.schedules.create(ada, ScheduleDraft(text=SENTENCE)).row.id)
    once = use_cases.schedules.create(
        ada,
        ScheduleDraft(
            command_text="@alice once",
            schedule_type="once",
            run_at=clock.now() + timedelta(hours=1),
        ),
    )
    async with connect(ada) as client:
        plain = await client.call_tool("pause_schedule", {"id": sid})
        noted = await client.call_tool(
            "pause_schedule",
            {"id": sid, "note": "on holiday", "until": "2026-03-20T08:00:00+01:00"},
        )
        resumed = ok(await client.call_tool("resume_schedule", {"id": sid[:8]}))
        ok(await client.call_tool("pause_schedule", {"id": str(once.row.id)}))
        clock.advance(timedelta(hours=2))
        stale = refused(await client.call_tool("resume_schedule", {"id": str(once.row.id)}))
        missing = refused(await client.call_tool("pause_schedule", {"id": "ffff"}))
    paused = ok(plain)
    assert (paused["enabled"], paused["next_runs"]) == (False, [])
    assert (paused["paused_note"], paused["paused_until"]) == (None, None)
    assert "It will not fire until resume_schedule." in text_of(plain)
    kept = ok(noted)
    assert (kept["paused_note"], kept["paused_until"]) == ("on holiday", "2026-03-20T07:00:00Z")
    assert 'Note: "on holiday"' in text_of(noted)
    assert "resumes by itself at 2026-03-20T08:00+01:00" in text_of(noted)
    assert resumed["enabled"] and resumed["next_runs"]
    assert stale.startswith("this one-time schedule's run_at has passed")
    assert missing == "no schedule ffff"
    assert use_cases.schedules.get(ada, sid).row.enabled


async def test_delete_removes_a_schedule_and_only_ones_own(
    connect: Connect, ada: User, use_cases: UseCases
) -> None:
    sid = str(use_cases.schedules.create(ada, ScheduleDraft(text=SENTENCE)).row.id)
    bea = use_cases.users.create("bea", "UTC")
    theirs = str(use_cases.schedules.create(bea, ScheduleDraft(text=SENTENCE)).row.id)
    async with connect(ada) as client:
        gone = await client.call_tool("delete_schedule", {"id": sid[:8]})
        again = refused(await client.call_tool("delete_schedule", {"id": sid}))
        foreign = refused(await client.call_tool("delete_schedule", {"id": theirs}))
    assert ok(gone) == {"id": sid, "command_text": "@alice summarise my inbox", "deleted": True}
    assert text_of(gone).startswith(f"Deleted schedule {sid}")
    assert again == f"no schedule {sid}" and foreign == f"no schedule {theirs}"
    assert use_cases.schedules.get(bea, theirs).row.id == uuid.UUID(theirs)


async def test_a_schedule_created_through_mcp_fires_and_its_history_reads_through_mcp(
    connect: Connect, ada: User, use_cases: UseCases, clock: ManualClock
) -> None:
    engine = use_cases.runtime.engine
    try:
        async with connect(ada) as client:
            created = ok(
                await client.call_tool(
                    "create_schedule", {"command": "@chatty tell me everything", "interval": "1h"}
                )
            )
            clock.advance(timedelta(hours=1))
            await engine.tick()
            await engine.wait_idle()
            listed = await client.call_tool("list_executions", {"schedule_id": created["id"][:8]})
            [item] = ok(listed)["items"]
            detail = await client.call_tool("get_execution", {"id": item["id"]})
            resource = await client.read_resource(f"agentcron://executions/{item['id']}")
    finally:
        await engine.recorder.stop()
    assert (item["status"], item["trigger"], item["result_summary"]) == (
        "success",
        "schedule",
        "said a lot",
    )
    assert item["scheduled_for"] == created["next_runs"][0]
    assert item["id"] in text_of(listed) and "success" in text_of(listed)
    execution = ok(detail)
    output = execution["output"]
    assert execution["output_truncated"] and len(output.encode()) <= OUTPUT_MAX_BYTES
    assert output.startswith("BEGIN lorem") and output.endswith("é  END")
    assert "bytes cut]" in output and len(LONG_OUTPUT.encode()) > 3 * OUTPUT_MAX_BYTES
    assert [a["status"] for a in execution["attempts"]] == ["success"]
    assert "Output (middle cut):" in text_of(detail)
    [contents] = resource.contents
    assert contents.mime_type == "application/json" and '"output_truncated":true' in contents.text


async def test_run_now_and_the_execution_lists(
    connect: Connect, ada: User, use_cases: UseCases, clock: ManualClock
) -> None:
    first = str(use_cases.schedules.create(ada, ScheduleDraft(text=SENTENCE)).row.id)
    second = str(
        use_cases.schedules.create(ada, ScheduleDraft(text="@bob tidy up every day at 6pm")).row.id
    )
    bea = use_cases.users.create("bea", "UTC")
    theirs = use_cases.schedules.create(bea, ScheduleDraft(text=SENTENCE)).row.id
    foreign = use_cases.schedules.run_now(bea, theirs).id
    async with connect(ada) as client:
        queued = await client.call_tool("run_schedule_now", {"id": first[:8]})
        clock.advance(timedelta(seconds=1))
        later = ok(await client.call_tool("run_schedule_now", {"id": second}))
        everything = ok(await client.call_tool("list_executions", {}))
        one = ok(await client.call_tool("list_executions", {"limit": 1}))
        pending = ok(await client.call_tool("list_executions", {"status": "pending, failed"}))
        finished = await client.call_tool("list_executions", {"status": "success"})
        of_first = ok(await client.call_tool("list_executions", {"schedule_id": first}))
        bad_status = refused(await client.call_tool("list_executions", {"status": "great"}))
        no_schedule = refused(
            await client.call_tool("list_executions", {"schedule_id": str(theirs)})
        )
        not_mine = refused(await client.call_tool("get_execution", {"id": str(foreign)}))
        not_an_id = refused(await client.call_tool("get_execution", {"id": "zz"}))
        run_missing = refused(await client.call_tool("run_schedule_now", {"id": "0000"}))
    execution = ok(queued)
    assert (execution["status"], execution["trigger"], execution["schedule_id"]) == (
        "pending",
        "manual",
        first,
    )
    assert "read its outcome with get_execution" in text_of(queued)
    assert [e["id"] for e in everything["items"]] == [later["id"], execution["id"]]
    assert [e["id"] for e in one["items"]] == [later["id"]] and one["total"] == 2
    assert pending["total"] == 2
    assert ok(finished)["total"] == 0 and text_of(finished) == "No executions match."
    assert [e["id"] for e in of_first["items"]] == [execution["id"]]
    assert bad_status.startswith("status: unknown status 'great'")
    assert no_schedule == f"no schedule {theirs}"
    assert not_mine == f"no execution {foreign}" and not_an_id == "no execution zz"
    assert run_missing == "no schedule 0000"


async def test_resources_read_a_schedule_and_refuse_anothers(
    connect: Connect, ada: User, use_cases: UseCases
) -> None:
    from mcp.shared.exceptions import MCPError

    sid = str(use_cases.schedules.create(ada, ScheduleDraft(text=SENTENCE)).row.id)
    bea = use_cases.users.create("bea", "UTC")
    theirs = use_cases.schedules.create(bea, ScheduleDraft(text=SENTENCE)).row.id
    async with connect(ada) as client:
        templates = (await client.list_resource_templates()).resource_templates
        read = await client.read_resource(f"agentcron://schedules/{sid}")
        with pytest.raises(MCPError, match=f"^no schedule {theirs}$"):
            await client.read_resource(f"agentcron://schedules/{theirs}")
        with pytest.raises(MCPError, match="^no execution nope$"):
            await client.read_resource("agentcron://executions/nope")
    assert {t.uri_template for t in templates} == {
        "agentcron://schedules/{id}",
        "agentcron://executions/{id}",
    }
    [contents] = read.contents
    assert contents.mime_type == "application/json" and f'"id":"{sid}"' in contents.text


async def test_arguments_the_schema_refuses_are_worded_as_the_api_words_bad_fields(
    connect: Connect, ada: User
) -> None:
    async with connect(ada) as client:
        missing = refused(await client.call_tool("get_schedule", {}))
        instant = refused(
            await client.call_tool("create_schedule", {"command": "@bob x", "run_at": "soon"})
        )
        several = refused(await client.call_tool("list_executions", {"limit": 0, "schedule_id": 7}))
    assert missing == "id: is required (give a value)"
    assert instant.startswith("run_at: Input should be a valid datetime")
    assert instant.endswith(
        "(use an ISO 8601 date and time with an offset, e.g. 2026-12-24T09:00:00+01:00)"
    )
    assert several.startswith("2 problems: schedule_id: ") and "limit: " in several
    assert "(use at least 1)" in several
