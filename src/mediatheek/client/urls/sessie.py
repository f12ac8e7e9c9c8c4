"""/client/sessie/: the idle warning's "Blijf ingelogd" and its log-out when the countdown runs out."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import session

urlpatterns: list[URLPattern | URLResolver] = [
    path("verlengen/", session.session_keep_alive, name="session_keep_alive"),
    path("uitloggen/", session.session_idle_logout, name="session_idle_logout"),
]
