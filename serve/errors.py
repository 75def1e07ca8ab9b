"""One error base class with a stable `code` and HTTP status, mapped to the contract's error body.

Body: {"error": {"code", "message", "details", "request_id"}}. WebSocket handlers send the same code in an
`error` event instead (or close with 4401 for auth failures).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    status = 400
    code = "bad_request"
    message = "The request is not valid."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details or {}
        self.headers = headers or {}


class Unauthorized(ApiError):
    status, code, message = 401, "unauthorized", "Sign in to continue."


class InvalidToken(Unauthorized):
    code, message = "invalid_token", "The access token is invalid or has expired."


class InvalidCredentials(Unauthorized):
    code, message = "invalid_credentials", "The email or password is wrong."


class InvalidRefreshToken(Unauthorized):
    code, message = "invalid_refresh_token", "The refresh token is invalid, expired or already used."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "That was not found."


class ConversationNotFound(NotFound):
    code, message = "conversation_not_found", "That conversation was not found."


class MessageNotFound(NotFound):
    code, message = "message_not_found", "That message was not found."


class Conflict(ApiError):
    status, code, message = 409, "conflict", "That conflicts with the current state."


class EmailTaken(Conflict):
    code, message = "email_taken", "An account with that email already exists."


class ConversationClosed(Conflict):
    code, message = "conversation_closed", "This conversation is closed. Start a new one to keep chatting."


class IdempotencyConflict(Conflict):
    code, message = (
        "client_message_id_reused",
        "That client_message_id was already used for different content.",
    )


class PayloadTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "The request is too large."


class RateLimited(ApiError):
    status, code, message = 429, "rate_limited", "Too many requests. Wait a moment and try again."

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            details={"retry_after_s": retry_after_s}, headers={"Retry-After": str(retry_after_s)}
        )


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "This needs the admin role."


class ServiceUnavailable(ApiError):
    status, code, message = 503, "service_unavailable", "The service is not ready. Try again shortly."


OVERLOAD_RETRY_AFTER_S = 2
OVERLOAD_MESSAGE = "The service is busy. Try again shortly."


def overloaded(exc: BaseException) -> bool:
    """Whether a store could not answer in time: 503 `service_unavailable` (try again), not a 500 (a bug).

    The database pool ran dry or SQLite's lock wait ran out under load, PostgreSQL or Redis refused or dropped the
    connection (a restart). Nothing was acknowledged, so sending the same request again is safe.
    """
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeoutError

    if isinstance(exc, PoolTimeoutError | OperationalError | RedisConnectionError | RedisTimeoutError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, ConnectionError)  # asyncpg's connect refused or reset


def error_body(
    code: str, message: str, request_id: str | None, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The contract's error body; counting it here puts every HTTP error in csagent_errors_total."""
    from serve import metrics

    metrics.ERRORS.labels(code=code).inc()
    return {"error": {"code": code, "message": message, "details": details or {}, "request_id": request_id}}


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _json_safe(errors: Sequence[Any]) -> list[dict[str, Any]]:
    safe = []
    for error in errors:
        item = {k: error[k] for k in ("loc", "msg", "type") if k in error}
        item["loc"] = [str(part) for part in item.get("loc", [])]
        safe.append(item)
    return safe


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


# Under /v1/ (the OpenAI-compatible API) errors take OpenAI's shape, so its official clients raise as usual.
OPENAI_PREFIX = "/v1/"
_OPENAI_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    429: "rate_limit_error",
}


def _respond(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = error_body(code, message, _request_id(request), details)
    if request.url.path.startswith(OPENAI_PREFIX):
        kind = _OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return JSONResponse(body, status, headers=headers or None)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _respond(request, exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _respond(request, 400, "malformed_json", "The request body is not valid JSON.")
        too_long = [
            e
            for e in errors
            if e.get("type") == "string_too_long" and "content" in map(str, e.get("loc", ()))
        ]
        if too_long:
            return _respond(
                request, 413, "content_too_long", "The message is too long.", {"errors": _json_safe(errors)}
            )
        return _respond(
            request,
            422,
            "validation_error",
            "Some fields are missing or not valid.",
            {"errors": _json_safe(errors)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = str(exc.detail) if exc.detail else "The request failed."
        return _respond(request, exc.status_code, code, message, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # noqa: ARG001 - handler signature
        import logging

        from serve.middleware import new_request_id, response_headers

        # Starlette calls this from ServerErrorMiddleware, outside RequestContextMiddleware: the 500 carries the
        # request id and security headers only if it sets them itself.
        request_id = _request_id(request) or new_request_id(request.headers.get("x-request-id", ""))
        request.state.request_id = request_id
        if overloaded(exc):
            logging.getLogger("csagent.errors").warning(
                "store overloaded or unreachable: %r", exc, extra={"request_id": request_id}
            )
            headers = response_headers(request_id) | {"Retry-After": str(OVERLOAD_RETRY_AFTER_S)}
            return _respond(request, 503, ServiceUnavailable.code, OVERLOAD_MESSAGE, headers=headers)
        logging.getLogger("csagent.errors").exception("unhandled error", extra={"request_id": request_id})
        return _respond(
            request,
            500,
            "internal_error",
            "Something went wrong on our side.",
            headers=response_headers(request_id),
        )
