"""Organising many schedules: `/api/tags` (and, beside the schedule routes, bulk actions,
backfill and templates). Each route is one service call; the rules are the service's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.organise import (
    BackfillIn,
    BackfillOut,
    BulkIn,
    BulkItemOut,
    BulkOut,
    PresetOut,
    TagList,
    TagOut,
    TemplateIn,
    TemplateList,
    TemplateOut,
    TemplateUseIn,
)
from agentcron.api.schemas.schedules import ScheduleOut
from agentcron.auth import CurrentUser
from agentcron.errors import InvalidInput
from agentcron.service.models import ScheduleFilter, ScheduleTemplate
from agentcron.service.templates import PRESETS, Preset, TemplateDraft, placeholders

router = APIRouter(tags=["organise"])


@router.get(
    "/api/tags",
    response_model=TagList,
    summary="Your tags, with counts",
    responses=responses(401, 429, 500),
)
def list_tags(api: ApiDep, user: CurrentUser) -> TagList:
    """Every tag on your schedules, by name, with how many schedules carry it."""
    return TagList(items=[TagOut(tag=t.tag, count=t.count) for t in api.tags.counts(user)])


@router.post(
    "/api/scheduled-commands/bulk",
    response_model=BulkOut,
    summary="One action on many schedules",
    responses=responses(401, 413, 422, 429, 500),
)
def bulk_action(api: ApiDep, user: CurrentUser, body: BulkIn) -> BulkOut:
    """Enable, disable, run, delete, tag or untag up to 500 schedules, chosen by `ids` or by
    `filter`. Each id is applied on its own, all or nothing: an unknown (or someone else's)
    id gets its own problem (404 not-found) in `results`, and the others still apply."""
    where = None
    if body.filter is not None:
        f = body.filter
        where = ScheduleFilter(
            agent_id=f.agent_id,
            enabled=f.enabled,
            schedule_type=f.schedule_type,
            search=f.q,
            tags=tuple(f.tag or ()),
        )
    results = api.bulk.apply(user, body.action, ids=body.ids, where=where, tags=body.tags)
    items = [
        BulkItemOut(
            id=r.id,
            ok=r.ok,
            status=r.status,
            problem=r.problem,
            problem_type=r.slug,
            execution_id=r.execution_id,
        )
        for r in results
    ]
    applied = sum(r.ok for r in results)
    return BulkOut(
        action=body.action,
        total=len(results),
        applied=applied,
        failed=len(results) - applied,
        results=items,
    )


@router.post(
    "/api/scheduled-commands/{schedule_id}/backfill",
    response_model=BackfillOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run past slots that have no execution",
    responses=responses(401, 404, 413, 422, 429, 500),
)
def backfill_schedule(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: Annotated[uuid.UUID, Path(description="The schedule's id.")],
    body: BackfillIn,
) -> BackfillOut:
    """Queues one execution (`trigger: backfill`, `scheduled_for` = the slot) for each slot
    of the schedule between `from` and `to` that has none yet; they run oldest first under
    the schedule's overlap policy. Running it again creates nothing new. A window reaching
    past now, or holding more slots than `limit`, is refused (422 naming the field).
    `dry_run: true` lists the slots without queueing them."""
    done = api.backfill.backfill(
        user, schedule_id, body.from_, body.to, limit=body.limit, dry_run=body.dry_run
    )
    return BackfillOut(
        schedule_id=done.schedule_id,
        created=done.created,
        existing=done.existing,
        slots=done.slots,
        execution_ids=done.execution_ids,
        dry_run=done.dry_run,
    )


TemplateId = Annotated[str, Path(description="The template's id (or its name).")]


def _preset_out(preset: Preset) -> PresetOut:
    return PresetOut(key=preset.key, label=preset.label, **preset.timing)


def _template_out(row: ScheduleTemplate) -> TemplateOut:
    timing = dict(row.timing)
    return TemplateOut(
        id=row.id,
        name=row.name,
        command_text=row.command_text,
        description=row.description,
        schedule_type=timing.get("schedule_type"),
        cron_expression=timing.get("cron_expression"),
        interval_value=timing.get("interval_value"),
        interval_unit=timing.get("interval_unit"),
        run_at=timing.get("run_at"),
        timezone=timing.get("timezone"),
        tags=list(row.tags),
        placeholders=placeholders(row.command_text),
        created_at=row.created_at,
    )


@router.get(
    "/api/templates",
    response_model=TemplateList,
    summary="Your templates, and the built-in timing presets",
    responses=responses(401, 429, 500),
)
def list_templates(api: ApiDep, user: CurrentUser) -> TemplateList:
    """By name. Each template lists the `placeholders` its `use` needs values for."""
    return TemplateList(
        items=[_template_out(t) for t in api.templates.list(user)],
        presets=[_preset_out(p) for p in api.templates.presets()],
    )


@router.post(
    "/api/templates",
    response_model=TemplateOut,
    status_code=status.HTTP_201_CREATED,
    summary="Save a template",
    responses=responses(401, 404, 409, 413, 422, 429, 500),
)
def create_template(api: ApiDep, user: CurrentUser, body: TemplateIn) -> TemplateOut:
    """A command with {placeholders}, its timing (fields, a `preset`, or copied from
    `schedule_id`) and tags. Names are unique per user (409)."""
    timing = body.model_dump(
        include={
            "schedule_type",
            "cron_expression",
            "interval_value",
            "interval_unit",
            "run_at",
            "timezone",
        },
        exclude_none=True,
    )
    if body.preset is not None:
        preset = next((p for p in PRESETS if p.key == body.preset), None)
        if preset is None:
            raise InvalidInput.one(
                "preset",
                f"{body.preset[:40]!r} is not a preset",
                f"use one of {', '.join(p.key for p in PRESETS)}",
            )
        timing = {**preset.timing, **({"timezone": body.timezone} if body.timezone else {})}
    draft = TemplateDraft(
        name=body.name,
        command_text=body.command_text,
        description=body.description,
        timing=timing,
        tags=body.tags,
        schedule_id=body.schedule_id,
    )
    return _template_out(api.templates.create(user, draft))


@router.delete(
    "/api/templates/{template_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a template",
    responses=responses(401, 404, 429, 500),
)
def delete_template(api: ApiDep, user: CurrentUser, template_id: TemplateId) -> Response:
    """Schedules made from it stay as they are."""
    api.templates.delete(user, template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/api/templates/{template_id}/use",
    response_model=ScheduleOut,
    status_code=status.HTTP_201_CREATED,
    summary="A new schedule from a template",
    responses=responses(401, 404, 409, 413, 422, 429, 500),
)
def use_template(
    api: ApiDep, user: CurrentUser, template_id: TemplateId, body: TemplateUseIn, response: Response
) -> ScheduleOut:
    """Fills each {placeholder} with its value as plain text (never evaluated) and creates
    the schedule, checked like any other. A missing or unknown placeholder is a 422 naming
    it (`values.<name>`)."""
    view = api.templates.use(user, template_id, body.values, tags=body.tags, key=body.key)
    response.headers["Location"] = f"/api/scheduled-commands/{view.row.id}"
    return ScheduleOut.of(view)
