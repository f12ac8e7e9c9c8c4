from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the client installs on the desk PC with its own icon."""
    data = {
        "name": _("Mediatheek Client"),
        "short_name": "Mediatheek",
        "start_url": "/client/",
        "scope": "/client/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4e89",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("client/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("client/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("client/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


SERVICE_WORKER = """// Mediatheek client service worker: makes the client installable; pages come from the server.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', () => {});
"""


def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(SERVICE_WORKER, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/client/"
    response["Cache-Control"] = "no-cache"
    return response
