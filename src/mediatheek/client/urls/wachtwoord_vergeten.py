"""/client/wachtwoord-vergeten/: a forgotten password, a link by mail (open to anyone)."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import password_reset

urlpatterns: list[URLPattern | URLResolver] = [
    path("", password_reset.request_link, name="password_reset"),
    path("<uidb64>/<token>/", password_reset.set_password, name="password_reset_confirm"),
]
