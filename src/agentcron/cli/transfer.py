"""Schedules as a YAML file: `export` writes what a person chose, `import` makes the server
match it, as `kubectl apply` does, and is harmless to repeat.

Each entry is known by a stable key: its `key` if it has one, else the `id` it was exported
with. A schedule the import creates from an entry without a key gets that id as its key, so
the next import finds it. Import never deletes: a schedule missing from the file stays.

`notify` travels as the API writes it (`null` is silence; left out, the schedule follows
your channels); its channel ids are this server's, so a file moved to another server needs
its ids edited (the import then names the unknown one).

Chains travel by key: an `after` schedule's entry says `after: <its upstream's key>` (or the
id export wrote, which import gives the upstreams it creates as their key) and `after_on`;
import creates upstreams before the schedules that run after them. Group schedules
(`agent_id` a category) travel as any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from agentcron.cli import output as out
from agentcron.cli import yamldoc
from agentcron.cli.client import ApiClient, ApiError
from agentcron.cli.common import console, fail
from agentcron.cli.organise import TagFilterOpt
from agentcron.cli.remote import SCHEDULES, TokenOpt, UrlOpt, all_schedules, connect

FORMAT_VERSION = 1
# What a person chose, in the order a reader wants it; server-owned fields never travel.
FIELDS = (
    "key",
    "agent_id",
    "command_text",
    "description",
    "schedule_type",
    "cron_expression",
    "interval_value",
    "interval_unit",
    "run_at",
    "timezone",
    "enabled",
    "overlap",
    "max_retries",
    "timeout_s",
    "misfire_grace_s",
    "auto_pause_after",
    "notify",
    "tags",
)
TIMING = (
    "schedule_type",
    "cron_expression",
    "interval_value",
    "interval_unit",
    "run_at",
    "timezone",
)
CHAIN = ("after", "after_on")
ALLOWED = {"id", *FIELDS, *CHAIN}


def stable_labels(items: list[dict[str, Any]]) -> dict[str, str]:
    """How each schedule is named in a file: its key, else its id."""
    return {str(i["id"]): str(i.get("key") or i["id"]) for i in items}


def exported(item: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": str(item["id"])}
    for name in FIELDS:
        value = item.get(name)
        if name == "notify":
            if "notify" in item and _notify(value) != _notify({}):
                entry[name] = _notify_entry(value)
            continue
        if value is None or (name in ("description", "tags") and not value):
            continue
        entry[name] = value
        if name == "schedule_type" and value == "after":
            upstream = item.get("after_schedule_id")
            if upstream is not None:
                entry["after"] = (labels or {}).get(str(upstream), str(upstream))
            entry["after_on"] = item.get("after_on") or "success"
    return entry


def _notify(value: Any) -> tuple[Any, Any] | None:
    """A notification rule compared by meaning: None is silence (the API's `notify: null`);
    a mapping narrows by `channels` and `on` (either null: not narrowed), and with neither
    follows the owner's channels. An empty list silences as well, as the server reads it."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return ("?", repr(value))
    channels, on = value.get("channels"), value.get("on")
    if channels == [] or on == []:
        return None
    return (
        sorted(str(c) for c in channels) if isinstance(channels, list) else channels,
        sorted(str(e) for e in on) if isinstance(on, list) else on,
    )


def _notify_entry(value: Any) -> dict[str, Any] | None:
    """What export writes: `notify: null` for silence, else only the keys that narrow."""
    if value is None:
        return None
    return {k: v for k, v in value.items() if v is not None}


def export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
    tag: TagFilterOpt = None,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Write your schedules as YAML (no ids of runs, no timestamps: only what you chose).

    Examples:

      agentcron export > schedules.yaml

      agentcron export --tag ops -o ops.yaml
    """
    with connect(url, token) as client:
        items = all_schedules(client, tag=tag or None)
    labels = stable_labels(items)
    document = {"version": FORMAT_VERSION, "schedules": [exported(i, labels) for i in items]}
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(items)} schedule(s) to {out.text(output)}", highlight=False)


# -- import -------------------------------------------------------------------------------------


@dataclass
class Change:
    action: str  # create | update | unchanged
    label: str
    entry: dict[str, Any]
    schedule_id: str | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The file's entries, checked for shape; exits with a one-line error naming the entry."""
    try:
        document = yamldoc.read(path)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text")
    except yamldoc.YamlRefused as exc:
        fail(f"{path} {exc}")
    except yaml.YAMLError as exc:
        fail(f"{path} is not valid YAML: {' '.join(str(exc).split())}")
    if isinstance(document, dict):
        version = document.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            fail(f"{path}: version {version!r} is not one this agentcron reads (1)")
        entries = document.get("schedules")
    else:
        entries = document
    if entries is None:
        return []
    if not isinstance(entries, list):
        fail(f"{path}: expected a list under `schedules:`")
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            fail(f"{path}: entry {number} is not a mapping of fields")
        unknown = sorted(set(entry) - ALLOWED)
        if unknown:
            fail(f"{path}: entry {number} has unknown field(s) {', '.join(unknown)}")
        stable = entry.get("key") or entry.get("id")
        if not stable:
            fail(f"{path}: entry {number} needs a `key` (or the `id` export wrote)")
        if str(stable) in seen:
            fail(f"{path}: entry {number} repeats the key {stable!r}")
        seen.add(str(stable))
        checked.append({k: _plain(v) for k, v in entry.items()})
    return checked


def _plain(value: Any) -> Any:
    """YAML reads an unquoted timestamp as a datetime; the API speaks ISO-8601 strings."""
    return value.isoformat() if isinstance(value, datetime) else value


def _same(name: str, ours: Any, theirs: Any) -> bool:
    if name == "notify":
        return _notify(ours) == _notify(theirs)
    if name == "run_at" and ours and theirs:
        return out.instant(ours) == out.instant(theirs)
    if name == "agent_id" and isinstance(ours, str):
        ours = ours.lstrip("@").lower()
    if name == "description":
        return (ours or "") == (theirs or "")
    return bool(ours == theirs)


def upstream_first(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries ordered so that a schedule's upstream (named in this file) comes before
    it; a loop in the file is refused naming it."""
    from graphlib import CycleError, TopologicalSorter

    stable = {str(e.get("key") or e.get("id")): e for e in entries}
    ids = {str(e.get("id")): str(e.get("key") or e.get("id")) for e in entries if e.get("id")}
    graph: dict[str, set[str]] = {}
    for name, entry in stable.items():
        upstream = str(entry.get("after") or "")
        upstream = ids.get(upstream, upstream)
        graph[name] = {upstream} if upstream in stable else set()
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        fail(f"the file's chains make a loop: {' → '.join(map(str, exc.args[1]))}")
    return [stable[name] for name in order]


def _current_after(current: dict[str, Any], labels: dict[str, str]) -> str | None:
    upstream = current.get("after_schedule_id")
    return labels.get(str(upstream), str(upstream)) if upstream else None


def plan(entries: list[dict[str, Any]], schedules: list[dict[str, Any]]) -> list[Change]:
    by_key = {s["key"]: s for s in schedules if s.get("key")}
    by_id = {str(s["id"]): s for s in schedules}
    labels = stable_labels(schedules)
    changes: list[Change] = []
    for entry in upstream_first(entries):
        ident = str(entry.get("id") or "")
        if entry.get("key"):
            # A key added in the file to an exported schedule finds it by its id.
            current = by_key.get(entry["key"]) or by_id.get(ident)
            label = str(entry["key"])
        else:
            current = by_id.get(ident) or by_key.get(ident)
            label = ident[:8]
        if current is None:
            changes.append(Change("create", label, entry))
            continue
        diff = {
            name: (current.get(name), entry[name])
            for name in FIELDS
            if name in entry and not _same(name, entry[name], current.get(name))
        }
        if "after" in entry:
            now_after = _current_after(current, labels)
            wanted = str(entry["after"])
            if now_after != wanted and labels.get(wanted) != now_after:
                diff["after"] = (now_after, entry["after"])
        if "after_on" in entry and entry["after_on"] != current.get("after_on"):
            diff["after_on"] = (current.get("after_on"), entry["after_on"])
        action = "update" if diff else "unchanged"
        changes.append(Change(action, label, entry, str(current["id"]), diff))
    return changes


def _chain_fields(entry: dict[str, Any]) -> dict[str, Any]:
    if entry.get("schedule_type") != "after" and "after" not in entry:
        return {}
    return {
        "schedule_type": "after",
        "after_schedule_id": str(entry.get("after") or ""),
        "after_on": entry.get("after_on") or "success",
    }


def _body(change: Change) -> dict[str, Any]:
    entry = change.entry
    if change.action == "create":
        body = {k: v for k, v in entry.items() if k in FIELDS}
        body.update(_chain_fields(entry))
        if not body.get("key"):
            body["key"] = str(entry["id"])
        return body
    body = {name: entry[name] for name in change.fields if name in FIELDS}
    if any(name in TIMING or name in CHAIN for name in change.fields):
        # A timing change is sent whole, so a new type does not meet the old type's fields.
        body.update({name: entry[name] for name in TIMING if name in entry})
        body.update(_chain_fields(entry))
    return body


def _apply(client: ApiClient, change: Change) -> None:
    try:
        if change.action == "create":
            client.post(SCHEDULES, _body(change))
        elif change.action == "update":
            client.patch(f"{SCHEDULES}/{change.schedule_id}", _body(change))
    except ApiError as exc:
        raise ApiError(f"{change.action} {change.label}: {exc.message}", exc.status) from None


def _show(value: Any, name: str = "") -> str:
    if name == "notify":
        rule = _notify(value)
        if rule is None:
            return "silence"
        if rule == (None, None):
            return "your channels"
    return "—" if value is None else out.clip(value, 60)


def import_(
    path: Annotated[Path, typer.Argument(help="A YAML file written by `agentcron export`.")],
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the changes (without it, only show them).")
    ] = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Make your schedules match a YAML file: shows the changes, --apply makes them.

    Entries are matched by `key`, else by `id`; nothing is deleted.

    Example: agentcron import schedules.yaml --apply
    """
    entries = read_entries(path)
    with connect(url, token) as client:
        changes = plan(entries, all_schedules(client))
        for change in changes:
            style = {"create": "green", "update": "yellow"}.get(change.action, "dim")
            console.print(
                f"[{style}]{change.action:<9}[/] {out.clip(change.label, 60)}", highlight=False
            )
            for name, (old, new) in change.fields.items():
                console.print(
                    f"    {name}: {_show(old, name)} → {_show(new, name)}", highlight=False
                )
            if apply:
                _apply(client, change)
    counts = {a: sum(c.action == a for c in changes) for a in ("create", "update", "unchanged")}
    summary = f"{counts['create']} to create, {counts['update']} to update, {counts['unchanged']} unchanged"
    if apply:
        console.print(f"applied: {summary}", highlight=False)
    elif counts["create"] or counts["update"]:
        console.print(
            f"dry run: {summary}; run again with --apply to make the changes", highlight=False
        )
    else:
        console.print(f"nothing to do: {summary}", highlight=False)
