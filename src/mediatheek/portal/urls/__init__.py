"""The portal's routes (a school's site under its slug): the single pages here, then one module per path prefix,
included with that prefix (`<slug>/mijn/...` is in mijn.py). Every name is in the "portal" namespace."""

from django.urls import URLPattern, URLResolver, include, path

from mediatheek.portal.views import base, privacy
from mediatheek.portal.views import catalog as catalogue

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", base.school_index, name="index"),
    path("<slug:slug>/", base.home, name="home"),
    path("<slug:slug>/inloggen/", base.login_view, name="login"),
    path("<slug:slug>/uitloggen/", base.logout_view, name="logout"),
    path("<slug:slug>/zoeken", catalogue.search, name="search"),
    path("<slug:slug>/zoeken/", catalogue.search),
    path("<slug:slug>/kast/", catalogue.shelf, name="shelf"),
    path("<slug:slug>/toppers/", catalogue.toppers_view, name="toppers"),
    path("<slug:slug>/privacy/", privacy.privacy, name="privacy"),
    path("<slug:slug>/titel/<int:pk>/", include("mediatheek.portal.urls.titel")),
    path("<slug:slug>/leestips/", include("mediatheek.portal.urls.leestips")),
    path("<slug:slug>/weetjes/", include("mediatheek.portal.urls.weetjes")),
    path("<slug:slug>/mijn/", include("mediatheek.portal.urls.mijn")),
]
