"""File downloads: the content types the app serves and an attachment response with a safe name."""

from __future__ import annotations

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    """A download the browser saves under `filename` (ASCII, chosen by the app)."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
