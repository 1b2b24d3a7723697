"""An agent that is a Python callable in agentcron's own process.

`callable = "package.module:function"` names a function taking
`(command: str, context: AgentContext)`, sync or async. It may return an
`AgentResult`, a string (the output), a mapping with the webhook reply's fields,
or None. Sync functions run in the agents' own threads (`agents.threads`), never
in the pool the engine's database work uses, so they cannot stall the engine. A
thread cannot be killed: a sync function that overruns its timeout keeps running
(and holding its thread) after the attempt is recorded as timed out; when all
threads are held, a new sync call fails at once with a retryable error.

The callable is imported when the agent is built (at load or reload), so a typo
shows up there; a reload does not re-import a module already imported.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from agentcron.agents.base import AgentContext, AgentError, AgentResult
from agentcron.agents.deps import AgentDeps
from agentcron.agents.reports import result_from_mapping
from agentcron.agents.results import MESSAGE_LIMIT, bounded, shorten
from agentcron.agents.settings import PythonSettings
from agentcron.agents.threads import ThreadsBusy, ThreadsClosed


def resolve(target: str) -> Callable[..., Any]:
    """Import `module:attribute` (the attribute may be dotted). Raise ValueError saying why not."""
    module_name, _, attribute = target.partition(":")
    try:
        found: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            found = getattr(found, part)
    except Exception as exc:  # an import runs arbitrary code; any failure means "cannot use it"
        raise ValueError(f"cannot import {target}: {type(exc).__name__}: {exc}") from None
    if not callable(found):
        raise ValueError(f"{target} is not callable")
    return found  # type: ignore[no-any-return]


class PythonAgent:
    kind: ClassVar[str] = "python"

    def __init__(self, handle: str, settings: PythonSettings, deps: AgentDeps) -> None:
        self.handle = handle
        self._deps = deps
        self._target = settings.target
        self._function = resolve(settings.target)
        self._is_async = inspect.iscoroutinefunction(self._function)
        self._threads = deps.threads

    async def run(self, context: AgentContext) -> AgentResult:
        function = self._function
        try:
            if self._is_async:
                returned = await function(context.instruction, context)
            else:
                returned = await self._threads.run(
                    function, context.instruction, context, name=f"@{self.handle} ({self._target})"
                )
                if inspect.isawaitable(returned):
                    returned = await returned
        except AgentError:
            raise
        except (ThreadsBusy, ThreadsClosed) as exc:
            raise AgentError(f"@{self.handle}: {exc}", retryable=True) from None
        except Exception as exc:
            message = f"@{self.handle}: {self._target} raised {type(exc).__name__}: {exc}"
            raise AgentError(shorten(message, MESSAGE_LIMIT), retryable=False) from exc
        return self._coerce(returned)

    def _coerce(self, returned: object) -> AgentResult:
        if isinstance(returned, AgentResult):
            return bounded(returned)
        if returned is None:
            return AgentResult()
        if isinstance(returned, str):
            return bounded(AgentResult(output=returned))
        if isinstance(returned, Mapping):
            try:
                return result_from_mapping(returned, now=self._deps.now())
            except ValueError as exc:
                raise AgentError(f"@{self.handle}: {exc}", retryable=False) from None
        raise AgentError(
            f"@{self.handle}: {self._target} returned {type(returned).__name__}; "
            "expected AgentResult, str, dict or None",
            retryable=False,
        )
