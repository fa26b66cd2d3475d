"""Error types shared by the emulator's validation and request handling."""

from __future__ import annotations

from dataclasses import dataclass

# HTTP status per error code, from the spec's `ErrorCode` table (on-call.openapi.en.json). The code is
# the authoritative signal; the status is what the real server sends with it.
STATUS_BY_CODE: dict[str, int] = {
    "InvalidParameter": 400,
    "BadRequest": 400,
    "InvalidContentType": 400,
    "ResourceNotFound": 400,  # 400, not 404: a documented historical choice
    "NoLicense": 400,
    "ReferenceExist": 400,
    "Unauthorized": 401,
    "BalanceNotEnough": 402,
    "AccessDenied": 403,
    "RouteNotFound": 404,
    "MethodNotAllowed": 405,
    "UndonedOrderExist": 409,
    "EntityTooLarge": 413,
    "RequestLocked": 423,
    "RequestVerifyRequired": 428,
    "DangerousOperation": 428,
    "RequestTooFrequently": 429,
    "InternalError": 500,
    "ServiceUnavailable": 503,
}

# The code a bare HTTP status stands for, used when a fault names only a status.
CODE_BY_STATUS: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    402: "BalanceNotEnough",
    403: "AccessDenied",
    404: "RouteNotFound",
    405: "MethodNotAllowed",
    409: "UndonedOrderExist",
    413: "EntityTooLarge",
    423: "RequestLocked",
    428: "RequestVerifyRequired",
    429: "RequestTooFrequently",
    500: "InternalError",
    503: "ServiceUnavailable",
}


@dataclass(frozen=True)
class SpecError:
    """One reason a request body breaks the contract.

    `path` names the field the way the API's messages do (`layers[0].target.person_ids`; "" is the
    body itself); `message` says which rule was broken; `keyword` is the JSON Schema keyword
    (`type`, `required`, `maxLength`, ...) or, for rules the spec states only in prose, `rule:<name>`.
    """

    path: str
    message: str
    keyword: str = ""

    def __str__(self) -> str:
        return f"{self.path or '(body)'}: {self.message}"


class ApiError(Exception):
    """A failure answered with the documented error envelope."""

    def __init__(self, code: str, message: str, *, status: int | None = None, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else STATUS_BY_CODE.get(code, 400)
        self.field = field

    @classmethod
    def invalid(cls, field: str, reason: str) -> ApiError:
        """InvalidParameter naming the field, in the server's documented wording."""
        name = field or "body"
        return cls("InvalidParameter", f"The specified parameter {name} is not valid: {reason}", field=name)

    @classmethod
    def from_spec_error(cls, error: SpecError) -> ApiError:
        return cls.invalid(error.path, error.message)

    @classmethod
    def not_found(cls, what: str, value: object) -> ApiError:
        return cls("ResourceNotFound", f"The specified resource is not found: {what} {value}", field=what)
