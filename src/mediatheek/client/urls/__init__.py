"""The client's routes (under /client/): the single pages here, then one module per path prefix, included with that
prefix (`balie/...` is in balie.py, `leners/...` in leners.py). Every name is in the "client" namespace."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from mediatheek.client.views import auth, desk, home, patrons, pwa

app_name = "client"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("inloggen/", auth.ClientLoginView.as_view(), name="login"),
    path("uitloggen/", auth.ClientLogoutView.as_view(), name="logout"),
    path("wachtwoord/", auth.password_change, name="password_change"),
    path("school/", auth.switch_school, name="switch_school"),
    path("groepen/", patrons.group_list, name="group_list"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("balie/", include("mediatheek.client.urls.balie")),
    path("leners/", include("mediatheek.client.urls.leners")),
    path("te-laat/", include("mediatheek.client.urls.te_laat")),
    path("catalogus/", include("mediatheek.client.urls.catalogus")),
    path("leerlingbestanden/", include("mediatheek.client.urls.leerlingbestanden")),
    path("leerlingimports/", include("mediatheek.client.urls.leerlingimports")),
    path("leestips/", include("mediatheek.client.urls.leestips")),
    path("scholen/", include("mediatheek.client.urls.scholen")),
    path("accounts/", include("mediatheek.client.urls.accounts")),
    path("tweestaps/", include("mediatheek.client.urls.tweestaps")),
    path("beveiliging/", include("mediatheek.client.urls.beveiliging")),
    path("auditlog/", include("mediatheek.client.urls.auditlog")),
    path("reserveringen/", include("mediatheek.client.urls.reserveringen")),
    path("sessie/", include("mediatheek.client.urls.sessie")),
    path("wachtwoord-vergeten/", include("mediatheek.client.urls.wachtwoord_vergeten")),
]

# The benchmarks' floor (bench/circulation.py): only when MEDIATHEEK_BENCH is on, never in a normal install.
if settings.MEDIATHEEK_BENCH:
    urlpatterns.append(path("ping", desk.ping, name="ping"))
