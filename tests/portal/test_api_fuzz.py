"""Schemathesis against the portal's /openapi.json on a live server: no 5xx, schema kept.

Bounded: a fixed number of generated cases per operation, loopback only. Driven through
hypothesis directly (the schemathesis pytest plugin does not load under this pytest).
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.portal.conftest import Portal
from tests.portal.live import live_portal

EXAMPLES = 150


def _fuzz(operation: Any, base: str, statuses: list[int]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        response = case.call_and_validate(base_url=base)
        statuses.append(response.status_code)
        assert response.status_code < 500

    run()


def test_api_answers_every_generated_request_without_a_server_error(built: Portal) -> None:
    statuses: list[int] = []
    with live_portal(built.bundle) as base:
        schema = schemathesis.openapi.from_dict(httpx.get(base + "/openapi.json").json())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 2
        for operation in operations:
            _fuzz(operation, base, statuses)
    assert len(statuses) >= EXAMPLES  # the fuzz ran
    assert max(statuses) < 500
