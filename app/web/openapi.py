"""What the JSON endpoints document about their answers besides success."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorBody(BaseModel):
    error: str
    detail: str | None = None


def errors(*codes: int) -> dict[int | str, dict]:
    described = {
        401: "No administrator's API token",
        404: "No such thing, or it belongs to someone else",
        413: "The body is larger than the server accepts",
        415: "The body is not a form",
        422: "The request or an uploaded file has errors; nothing was stored",
        503: "The database cannot be reached",
    }
    return {code: {"model": ErrorBody, "description": described[code]} for code in codes}
