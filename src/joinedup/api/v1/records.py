"""`POST /api/v1/records`: one record or a batch, in the exchange format, all or nothing."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from joinedup.access.roles import Actor
from joinedup.api.deps import api_actor, bearer
from joinedup.api.idempotency import replay_or_run
from joinedup.core.errors import FieldError
from joinedup.db.session import unit_of_work
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.jsonschema import build_schema
from joinedup.intake.service import Outcome, Submitted
from joinedup.intake.validation import Parsed, RecordInvalid, parse_object

router = APIRouter(tags=["records"])
MAX_BODY_BYTES = 64 << 20


def _request_schema() -> dict[str, Any]:
    record = build_schema()
    defs = record.pop("$defs")
    record.pop("$schema", None)
    record.pop("$id", None)
    text = orjson.dumps(record).decode().replace("#/$defs/", "#/components/schemas/")
    one = orjson.loads(text)
    return {
        "defs": defs,
        "schema": {"oneOf": [one, {"type": "array", "items": one, "minItems": 1}]},
    }


_SCHEMA = _request_schema()


def request_definitions() -> dict[str, Any]:
    """The exchange format's sub-schemas, for the OpenAPI document's components."""
    return dict(_SCHEMA["defs"])


@router.post(
    "/records",
    summary="Submit records in the joinedup/1 exchange format",
    description=(
        "A single record object, or an array of records taken in order. The batch is atomic: "
        "if any record is invalid, nothing is stored and the answer is 422 with every error, "
        "each naming its `record` (index in the batch) and `field`. The same `record_id` with "
        "the same content is unchanged; with other content it is a new version. Send an "
        "`Idempotency-Key` to make a retry replay the first answer."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _SCHEMA["schema"]}},
        }
    },
    responses={
        200: {"description": "Every record stored, unchanged or versioned."},
        401: {"description": "No valid API token."},
        403: {"description": "This account may not submit records."},
        409: {"description": "The Idempotency-Key was used for a different request."},
        413: {"description": "The body is too large."},
        422: {"description": "Invalid records; nothing stored."},
    },
)
async def submit(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
) -> JSONResponse:
    body = await request.body()
    actor = await run_in_threadpool(api_actor, request, credentials)
    if len(body) > MAX_BODY_BYTES:
        return _errors(
            [FieldError("body", f"larger than {MAX_BODY_BYTES:,} bytes", "too_large")], 413
        )
    parsed, problems = _parse_body(body, request.app.state.settings.api_max_batch)
    if problems:
        return JSONResponse({"errors": problems}, status_code=422)
    return await run_in_threadpool(_store, request, actor, parsed, body, idempotency_key)


def _parse_body(body: bytes, max_batch: int) -> tuple[list[Parsed], list[dict[str, Any]]]:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return [], [{"code": "json", "message": f"malformed JSON: {exc}", "field": "body"}]
    items = value if isinstance(value, list) else [value]
    if not items or len(items) > max_batch:
        message = f"send between 1 and {max_batch} records"
        return [], [{"code": "batch_size", "message": message, "field": "body"}]
    parsed: list[Parsed] = []
    problems: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            parsed.append(parse_object(item, payload=orjson.dumps(item).decode()))
        except RecordInvalid as invalid:
            problems.extend({**e.as_dict(), "record": index} for e in invalid.errors)
    return parsed, problems


def _store(
    request: Request, actor: Actor, parsed: list[Parsed], body: bytes, key: str | None
) -> JSONResponse:
    engine, clock = request.app.state.engine, request.app.state.clock
    with unit_of_work(engine) as session:

        def run() -> tuple[int, dict[str, Any]]:
            now = clock.now()
            results = submit_and_resolve(
                session=session,
                actor=actor,
                parsed_records=parsed,
                now=now,
                settings=request.app.state.settings,
            )
            return 200, _answer(parsed, results)

        status, answer = replay_or_run(
            session=session, actor=actor, key=key, body=body, now=clock.now(), run=run
        )
    return JSONResponse(answer, status_code=status)


def _answer(parsed: list[Parsed], results: list[Submitted]) -> dict[str, Any]:
    counts = {outcome.value: 0 for outcome in Outcome}
    rows = []
    for index, (item, result) in enumerate(zip(parsed, results, strict=True)):
        counts[result.outcome.value] += 1
        rows.append(
            {
                "record": index,
                "record_id": result.record_id,
                "status": result.outcome.value,
                "version": result.version,
                "source_record_id": result.source_record_id,
                "warnings": [w.as_dict() for w in item.warnings],
            }
        )
    return {"results": rows, "summary": counts}


def _errors(errors: list[FieldError], status: int) -> JSONResponse:
    return JSONResponse({"errors": [e.as_dict() for e in errors]}, status_code=status)
