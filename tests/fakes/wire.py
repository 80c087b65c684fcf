"""AWS wire formats: decode a signed botocore request, encode a response botocore parses.

Driven by botocore's own service models, so the shapes are AWS's: the `query` protocol
(IAM, STS, SNS: form-encoded requests, XML responses inside `<OpResult>`), `json`
(Organizations, CloudTrail, Logs, CloudWatch: `X-Amz-Target` and JSON bodies), and
`rest-json` (Account Management, AWS Chatbot: the operation in the URL path). Errors use each
protocol's shape: `<ErrorResponse><Error><Code>` for query, `__type` for json (plus the
`x-amzn-query-error` header for services with the awsQueryCompatible trait, CloudWatch),
`x-amzn-ErrorType` for rest-json.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass(frozen=True)
class Request:
    """A decoded request: who signed it, for which service and operation, with what."""

    service: str  # botocore's service name: "iam", "cloudwatch"
    operation: OperationModel
    access_key: str
    region: str
    params: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.operation.name)

    @property
    def protocol(self) -> str:
        return protocol_of(self.operation.service_model)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class BadRequest(Exception):
    """The request cannot be decoded (unsigned, unknown service or operation)."""


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> ServiceModel:
    return _session().get_service_model(service)


@cache
def _services_by_signing_name() -> dict[str, str]:
    names = {}
    for service in ("organizations", "account", "sts", "iam", "cloudtrail", "cloudwatch", "logs",
                    "sns", "chatbot"):  # fmt: skip
        names[service_model(service).signing_name] = service
    return names


def protocol_of(model: ServiceModel) -> str:
    """The protocol botocore speaks to this service (its first supported one)."""
    return str(model.resolved_protocol)


def decode(method: str, url: str, headers: Mapping[str, Any], body: bytes) -> Request:
    lower = {k.lower(): v.decode() if isinstance(v, bytes) else str(v) for k, v in headers.items()}
    match = _CREDENTIAL.search(lower.get("authorization", ""))
    if match is None:
        raise BadRequest("the request is not signed with SigV4")
    access_key, region, signing_name = match.groups()
    service = _services_by_signing_name().get(signing_name)
    if service is None:
        raise BadRequest(f"the fake does not model the service {signing_name!r}")
    model = service_model(service)
    protocol = protocol_of(model)
    if protocol == "query":
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        name = form.pop("Action", "")
        form.pop("Version", None)
        params = _unflatten(form)
    elif protocol == "json":
        name = lower.get("x-amz-target", "").rpartition(".")[2]
        params = json.loads(body or b"{}")
    else:  # rest-json: the operation is whichever the method and path name
        path = urlsplit(url).path
        name = next(
            (
                op
                for op in model.operation_names
                if model.operation_model(op).http.get("method") == method
                and model.operation_model(op).http.get("requestUri", "").split("?")[0] == path
            ),
            "",
        )
        params = json.loads(body or b"{}")
    if name not in model.operation_names:
        raise BadRequest(f"unknown operation {name!r} for {service}")
    return Request(service, model.operation_model(name), access_key, region, params)


def _unflatten(form: dict[str, str]) -> dict[str, Any]:
    """`TaskPolicyArn.arn=x&AlarmTypes.member.1=y` -> {"TaskPolicyArn": {"arn": x}, ...}."""
    root: dict[str, Any] = {}
    for key, value in form.items():
        parts = key.split(".")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if set(node) == {"member"} and isinstance(node["member"], dict):
        items = node["member"]
        return [_lists(items[k]) for k in sorted(items, key=int)]
    return {k: _lists(v) for k, v in node.items()}


# --- Responses --------------------------------------------------------------------------


def success(request: Request, result: dict[str, Any], request_id: str) -> Response:
    operation = request.operation
    shape = operation.output_shape
    if request.protocol == "query":
        namespace = operation.service_model.metadata.get("xmlNamespace", "")
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        inner = _xml_members(shape, result) if shape is not None else ""
        if wrapper:
            inner = f"<{wrapper}>{inner}</{wrapper}>"
        body = (
            f'<{operation.name}Response xmlns="{namespace}">{inner}'
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
            f"</{operation.name}Response>"
        )
        return Response(
            200, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode()
        )
    document = _json_value(shape, result) if shape is not None else {}
    content_type = (
        "application/json"
        if request.protocol == "rest-json"
        else f"application/x-amz-json-{operation.service_model.metadata.get('jsonVersion', '1.1')}"
    )
    return Response(
        int(operation.http.get("responseCode", 200)),
        {"Content-Type": content_type, "x-amzn-RequestId": request_id},
        json.dumps(document).encode(),
    )


def error(request: Request, code: str, message: str, status: int, request_id: str) -> Response:
    if request.protocol == "query":
        namespace = request.operation.service_model.metadata.get("xmlNamespace", "")
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type><Code>{code}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>"
        )
        return Response(
            status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode()
        )
    headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": code}
    if request.protocol == "rest-json":
        headers["Content-Type"] = "application/json"
        return Response(status, headers, json.dumps({"message": message}).encode())
    metadata = request.operation.service_model.metadata
    headers["Content-Type"] = f"application/x-amz-json-{metadata.get('jsonVersion', '1.1')}"
    if metadata.get("awsQueryCompatible") is not None:
        headers["x-amzn-query-error"] = f"{code};{'Receiver' if status >= 500 else 'Sender'}"
    return Response(status, headers, json.dumps({"__type": code, "message": message}).encode())


def garbled(request_id: str) -> Response:
    """What a proxy or load balancer in the way answers: HTML, not the service's format."""
    body = b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
    return Response(200, {"Content-Type": "text/html", "x-amzn-RequestId": request_id}, body)


def _xml_members(shape: Shape, value: dict[str, Any]) -> str:
    parts = []
    for name, member in shape.members.items():
        if name in value and value[name] is not None:
            parts.append(_xml(member, value[name], member.serialization.get("name", name)))
    return "".join(parts)


def _xml(shape: Shape, value: Any, tag: str) -> str:
    kind = shape.type_name
    if kind == "structure":
        return f"<{tag}>{_xml_members(shape, value)}</{tag}>"
    if kind == "list":
        member = shape.member
        if shape.serialization.get("flattened"):
            item_tag = member.serialization.get("name", tag)
            return "".join(_xml(member, item, item_tag) for item in value)
        item_tag = member.serialization.get("name", "member")
        return f"<{tag}>{''.join(_xml(member, item, item_tag) for item in value)}</{tag}>"
    if kind == "map":
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        entries = "".join(
            f"<entry>{_xml(shape.key, k, key_tag)}{_xml(shape.value, v, value_tag)}</entry>"
            for k, v in value.items()
        )
        return f"<{tag}>{entries}</{tag}>"
    return f"<{tag}>{escape(_scalar_text(shape, value))}</{tag}>"


def _scalar_text(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return _timestamp(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode()
    return str(value)


def _json_value(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {
            member.serialization.get("name", name): _json_value(member, value[name])
            for name, member in shape.members.items()
            if name in value and value[name] is not None
        }
    if kind == "list":
        return [_json_value(shape.member, item) for item in value]
    if kind == "map":
        return {str(k): _json_value(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return _timestamp(value).timestamp()
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode()
    return value


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(float(value), UTC)
