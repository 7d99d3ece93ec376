"""The OpenAPI document describes every answer of the JSON API, and the answers keep to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from desk_practice import CLAIM_T1, SIGN_IN, build_desk
from fastapi.testclient import TestClient

from claimdesk.bootstrap import shipped_rules
from claimdesk.desk.config import DeskConfig
from claimdesk.http.app import create_app
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

Schema = dict[str, Any]
METHODS = {"get", "post", "put", "patch", "delete"}


def _no_database() -> UnitOfWork:
    raise AssertionError("the OpenAPI document needs no database")


def _document() -> Schema:
    app = create_app(DeskConfig(uow_factory=_no_database, rules=shipped_rules(), sign_in=SIGN_IN))
    answer = TestClient(app).get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document: Schema = answer.json()
    return document


def _resolve(document: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def _described(document: Schema, media_type: str, schema: Schema) -> bool:
    """A JSON answer is an object with named properties (or a list of them); a file is binary."""
    if media_type != "application/json":
        return schema == {"type": "string", "format": "binary"}
    schema = _resolve(document, schema)
    if schema.get("type") == "array":
        schema = _resolve(document, schema.get("items", {}))
    return schema.get("type") == "object" and bool(schema.get("properties"))


def _errors(document: Schema, schema: Schema, value: Any, at: str = "") -> list[str]:
    """Where ``value`` breaks ``schema`` (the JSON Schema the document uses, no more)."""
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        tried = [_errors(document, s, value, at) for s in schema["anyOf"]]
        return [] if any(not t for t in tried) else [f"{at}: {value!r} fits no choice"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} not one of {schema['enum']}"]
    if "const" in schema and value != schema["const"]:
        return [f"{at}: {value!r} is not {schema['const']!r}"]
    kinds = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "boolean": bool,
        "null": type(None),
    }
    kind = schema.get("type")
    if kind is not None and not isinstance(value, kinds[kind]):
        return [f"{at}: {value!r} is not {kind}"]
    if kind == "integer" and isinstance(value, bool):
        return [f"{at}: {value!r} is not integer"]
    found: list[str] = []
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += _errors(document, schema.get("items", {}), item, f"{at}[{i}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{at}.{key}: missing" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in properties:
                found += _errors(document, properties[key], item, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}.{key}: not in the schema")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += _errors(document, schema["additionalProperties"], item, f"{at}.{key}")
    return found


def _answer_schema(document: Schema, path: str, method: str, status: int) -> Schema:
    schema: Schema = document["paths"][path][method]["responses"][str(status)]["content"][
        "application/json"
    ]["schema"]
    return schema


def test_every_operation_describes_its_successful_answer() -> None:
    document = _document()
    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]
    assert operations
    assert all(path.startswith("/api/v1/") for _, path, _ in operations)
    undescribed = []
    for method, path, operation in operations:
        answers = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        described = [
            status
            for status, response in answers.items()
            if (status == "204" and "content" not in response)
            or any(
                _described(document, media_type, content.get("schema", {}))
                for media_type, content in response.get("content", {}).items()
            )
        ]
        if not described:
            undescribed.append(f"{method.upper()} {path}")
    assert undescribed == []


def test_every_operation_describes_its_refusals_as_problems() -> None:
    document = _document()
    for item in document["paths"].values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            refused = operation["responses"]["4XX"]["content"]
            assert list(refused) == ["application/problem+json"]
            schema = refused["application/problem+json"]["schema"]
            assert set(schema["required"]) == {"type", "title", "status", "detail", "instance"}
            assert "422" not in operation["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_money_is_a_string_of_dollars_in_the_document() -> None:
    document = _document()
    claim = _resolve(document, _answer_schema(document, "/api/v1/claims/{claim_id}", "get", 200))
    for key in ("total_charge", "balance", "insurance_balance", "patient_balance"):
        assert claim["properties"][key]["type"] == "string"
        assert claim["properties"][key]["pattern"] == r"^-?\d+\.\d{2}$"


def test_an_item_and_its_claim_answer_as_the_document_says(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    document = _document()
    desk = build_desk(uow_factory)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER1)}"}

    item = client.get(f"/api/v1/work/items/{desk.tier1_item}", headers=headers)
    assert item.status_code == 200, item.text
    item_schema = _answer_schema(document, "/api/v1/work/items/{item_id}", "get", 200)
    assert _errors(document, item_schema, item.json()) == []
    assert item.json()["item"]["amount_at_stake"] == "190.00"
    assert item.json()["item"]["score"]["amount_at_stake"] == "190.00"

    claim = client.get(f"/api/v1/claims/{CLAIM_T1}", headers=headers)
    assert claim.status_code == 200, claim.text
    claim_schema = _answer_schema(document, "/api/v1/claims/{claim_id}", "get", 200)
    body = claim.json()
    assert _errors(document, claim_schema, body) == []
    assert body == item.json()["claim"]
    assert body["total_charge"] == "190.00"
    assert [line["charge"] for line in body["lines"]] == ["150.00", "40.00"]
    assert [line["balance"] for line in body["lines"]] == ["150.00", "40.00"]
    assert [entry["amount"] for entry in body["ledger"]] == ["150.00", "40.00"]
    assert (body["balance"], body["insurance_balance"], body["patient_balance"]) == (
        "190.00",
        "190.00",
        "0.00",
    )

    queue = client.get("/api/v1/work/items", headers=headers)
    queue_schema = _answer_schema(document, "/api/v1/work/items", "get", 200)
    assert _errors(document, queue_schema, queue.json()) == []


def test_an_error_is_still_a_problem(uow_factory: Callable[[], UnitOfWork]) -> None:
    document = _document()
    desk = build_desk(uow_factory, items=False)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.TIER1)}"}
    answer = client.get("/api/v1/claims/NO-SUCH-CLAIM", headers=headers)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "claim NO-SUCH-CLAIM: no such claim",
        "instance": "/api/v1/claims/NO-SUCH-CLAIM",
    }
    refused = document["paths"]["/api/v1/claims/{claim_id}"]["get"]["responses"]["4XX"]
    schema = refused["content"]["application/problem+json"]["schema"]
    assert _errors(document, schema, answer.json()) == []
