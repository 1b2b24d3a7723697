"""The OpenAPI document is complete (every route says how it fails, and how to
authenticate), and the app keeps to it: schemathesis sends generated requests, with a real
token, to every operation and checks that no answer is a 5xx or strays from the schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from agentcron.service.schedules import ScheduleService
from tests.api.conftest import MakeApp
from tests.api.helpers import new_caller, seed_schedule

# `make test` sends 300 cases to every operation; AGENTCRON_FUZZ_EXAMPLES changes that.
FUZZ_EXAMPLES = int(os.environ.get("AGENTCRON_FUZZ_EXAMPLES", "300"))
PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDocument"}


def test_every_operation_is_documented(app: FastAPI) -> None:
    spec = app.openapi()
    problems: list[str] = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            label = f"{method.upper()} {path}"
            if not op.get("tags") or not op.get("summary"):
                problems.append(f"{label}: no tags or summary")
            statuses = op["responses"]
            if not any(s.startswith("2") for s in statuses):
                problems.append(f"{label}: no success response")
            for status, response in statuses.items():
                if status.startswith(("4", "5")):
                    schema = response.get("content", {}).get("application/problem+json", {})
                    if schema.get("schema") != PROBLEM_REF or "application/json" in response.get(
                        "content", {}
                    ):
                        problems.append(f"{label} {status}: not described as a problem")
            if path.startswith("/api"):
                if op.get("security") != [{"bearer": []}] or "401" not in statuses:
                    problems.append(f"{label}: authentication not documented")
            elif op.get("security"):
                problems.append(f"{label}: open route asks for a token")
    assert not problems, "\n".join(problems)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    create = spec["paths"]["/api/scheduled-commands"]["post"]
    examples = create["requestBody"]["content"]["application/json"]["examples"]
    assert {"cron", "interval", "once", "sentence"} <= set(examples)
    assert "429" in create["responses"] and "Retry-After" in create["responses"]["429"]["headers"]


@pytest.fixture
def api_under_test(make_app: MakeApp) -> Iterator[dict[str, Any]]:
    app = make_app(real_time=True, write_rate_per_minute=100_000, max_schedules_per_user=100_000)
    caller = new_caller(app)
    sid = seed_schedule(app, caller)
    eid = ScheduleService(app.state.runtime.services).run_now(caller.user, sid).id
    yield {"app": app, "caller": caller, "sid": str(sid), "eid": str(eid)}


# The operations are dealt into shards, so the suite's workers share them (the whole API
# in one test was the suite's longest tail).
SHARDS = 6


@pytest.mark.timeout(900)  # its operations × FUZZ_EXAMPLES: it grows with the API
@pytest.mark.parametrize("shard", range(SHARDS))
def test_the_app_keeps_to_its_schema(api_under_test: dict[str, Any], shard: int) -> None:
    """FUZZ_EXAMPLES generated requests per operation (schemathesis' pytest plugin predates
    pytest 9's nodes, so each operation's strategy is run with hypothesis directly); this
    shard takes every SHARDS-th operation, in the schema's order."""
    schema = (
        schemathesis.openapi.from_asgi("/openapi.json", api_under_test["app"])
        .include(path_regex="^/(api|healthz|readyz|metrics)")
        .exclude(path="/api/events")  # an endless stream; tests/api/test_live.py covers it
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations[shard::SHARDS]:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: Any) -> None:
            _use_real_ids(case, api_under_test)
            case.call_and_validate(headers=api_under_test["caller"].headers, checks=CHECKS)

        conforms()


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _use_real_ids(case: Any, api_under_test: dict[str, Any]) -> None:
    """Random ids only ever meet 404s; the owner's real ones reach the code behind them."""
    parameters = case.path_parameters or {}
    if "schedule_id" in parameters:
        if case.method.upper() == "DELETE":  # each deletion gets a schedule of its own
            fresh = seed_schedule(api_under_test["app"], api_under_test["caller"])
            parameters["schedule_id"] = str(fresh)
        else:
            parameters["schedule_id"] = api_under_test["sid"]
    if "execution_id" in parameters:
        parameters["execution_id"] = api_under_test["eid"]
