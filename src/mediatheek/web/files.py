"""File answers both interfaces send."""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.http import FileResponse, Http404, HttpResponse


def image_response(field: Any) -> HttpResponse:
    """A stored picture (a cover, a leestip's image) as a public, cacheable answer; anything else is a 404."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return cast(HttpResponse, response)
