"""The API documentation page (``/docs``): Swagger UI 5.36.0 served from ``/static/swagger``.

FastAPI's own page loads Swagger UI from a public CDN, so on a closed network (a government
intranet) it stays blank; this one needs nothing outside the server. The files come from the npm
package ``swagger-ui-dist`` (Apache-2.0, its LICENSE and NOTICE beside them).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from guozi.web.render import render

__all__ = ["router"]

router = APIRouter()


@router.get("/docs", include_in_schema=False)
def docs_page(request: Request) -> Response:
    """Swagger UI over the application's OpenAPI schema, every asset from ``/static``."""
    return render(request, "docs.html", {"openapi_url": request.app.openapi_url or "/openapi.json"})
