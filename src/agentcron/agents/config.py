"""Reading the agents file: TOML tables under `[agents.<handle>]`.

    [agents.alice]
    name = "Alice"                      # optional, defaults to the handle title-cased
    description = "Watches model deprecations"
    backend = "llm"                     # echo | webhook | llm | openai | shell | python
    model = "llama3.2"                  # …and the backend's own settings

Every problem in the file is reported at once, each naming the file and the agent,
so one run of `agentcron agents check` shows all there is to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from agentcron.agents.limits import LIMIT_KEYS, NO_LIMITS, AgentLimits, parse_limits
from agentcron.agents.settings import BACKENDS, BackendSettings

HANDLE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_COMMON_KEYS = ("name", "description", "backend", "categories", *LIMIT_KEYS)


class AgentConfigError(ValueError):
    """The agents file cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """One validated `[agents.<handle>]` table."""

    handle: str
    name: str
    description: str
    backend: str
    settings: BackendSettings
    limits: AgentLimits = NO_LIMITS
    # Groups: `categories = ["research"]` lets a command to @research run on every member.
    categories: tuple[str, ...] = ()


def read_file(path: Path) -> list[AgentSpec]:
    """Parse and validate `path`; raise AgentConfigError with every problem found."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AgentConfigError([f"{path}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AgentConfigError([f"{path}: cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise AgentConfigError([f"{path}: invalid TOML: {exc}"]) from None
    return parse(data, source=str(path))


def parse(data: dict[str, Any], *, source: str) -> list[AgentSpec]:
    """Validate a decoded agents document; `source` prefixes every problem."""
    problems: list[str] = []
    for key in data:
        if key != "agents":
            problems.append(
                f"{source}: unknown top-level key {key!r}; agents go under [agents.<handle>]"
            )
    tables = data.get("agents", {})
    if not isinstance(tables, dict):
        raise AgentConfigError(
            [*problems, f"{source}: 'agents' must be a table of [agents.<handle>]"]
        )
    specs: dict[str, AgentSpec] = {}
    for key, table in tables.items():
        handle = key.lower()
        where = f"{source}: [agents.{key}]"
        if not HANDLE.match(handle):
            problems.append(
                f"{where} handle must be a letter then up to 31 letters, digits, '_' or '-'"
            )
            continue
        if handle in specs:
            problems.append(f"{where} duplicates @{handle} (handles ignore case)")
            continue
        if not isinstance(table, dict):
            problems.append(f"{where} must be a table")
            continue
        spec = _parse_agent(handle, table, where, problems)
        if spec is not None:
            specs[handle] = spec
    for spec in specs.values():
        for category in spec.categories:
            if category in specs:
                problems.append(
                    f"{source}: [agents.{spec.handle}] category {category!r} clashes with the "
                    f"handle @{category}; a name is either an agent or a category"
                )
    if problems:
        raise AgentConfigError(problems)
    return list(specs.values())


def _parse_agent(
    handle: str, table: dict[str, Any], where: str, problems: list[str]
) -> AgentSpec | None:
    found = len(problems)
    kind = table.get("backend")
    if kind is None:
        problems.append(f"{where} backend is required (one of {', '.join(BACKENDS)})")
    elif not isinstance(kind, str) or kind not in BACKENDS:
        problems.append(f"{where} unknown backend {kind!r} (one of {', '.join(BACKENDS)})")
    name = table.get("name", handle.title())
    description = table.get("description", "")
    for label, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            problems.append(f"{where} {label} must be a string")
    limits = parse_limits(table, where, problems)
    categories = _categories(table.get("categories", []), where, problems)
    if len(problems) > found or not isinstance(kind, str):
        return None
    backend = BACKENDS[kind]
    settings = {k: v for k, v in table.items() if k not in _COMMON_KEYS}
    try:
        validated = backend.settings.model_validate(settings)
    except ValidationError as exc:
        problems.extend(_describe(exc, where, kind, backend.settings))
        return None
    return AgentSpec(handle, name, description, kind, validated, limits, categories)


def _categories(value: object, where: str, problems: list[str]) -> tuple[str, ...]:
    """The groups an agent belongs to: names written like handles, without `@`."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f'{where} categories must be a list of names, e.g. ["research"]')
        return ()
    names = tuple(sorted({v.strip().removeprefix("@").lower() for v in value}))
    for name in names:
        if not HANDLE.match(name):
            problems.append(
                f"{where} category {name!r} must be a letter then up to 31 letters, digits, "
                "'_' or '-'"
            )
    return names


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    """The settings model of a nested table (`tools.0` is a tool server), to list its keys."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        nested = _nested_model(field.annotation) if field else None
        if nested is None:
            break
        model = nested
    return model


def _nested_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _nested_model(argument)
        if found is not None:
            return found
    return None


def _describe(
    exc: ValidationError, where: str, kind: str, model: type[BackendSettings]
) -> list[str]:
    lines = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "settings"
        if error["type"] == "missing":
            lines.append(f"{where} {field} is required for the {kind} backend")
        elif error["type"] == "extra_forbidden":
            table = _model_at(model, error["loc"][:-1])
            known = ", ".join(info.alias or name for name, info in table.model_fields.items())
            lines.append(f"{where} unknown key {field} for the {kind} backend (known: {known})")
        else:
            lines.append(f"{where} {field}: {error['msg']}")
    return lines
