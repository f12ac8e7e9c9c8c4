from django.urls import include, path

from mediatheek.portal.views import base

app_name = "portal"

urlpatterns = [
    path("", base.school_index, name="index"),
    path("<slug:slug>/", base.home, name="home"),
    path("<slug:slug>/inloggen/", base.login_view, name="login"),
    path("<slug:slug>/uitloggen/", base.logout_view, name="logout"),
    path("<slug:slug>/mijn/", base.mine, name="mine"),
    path("<slug:slug>/mijn/wachtwoord/", base.password_change, name="password_change"),
    # Each area of the portal keeps its routes in a module of its own (names stay in the "portal" namespace).
    path("", include("mediatheek.portal.urls_search")),
    path("", include("mediatheek.portal.urls_mine")),
    path("", include("mediatheek.portal.urls_upload")),
    path("", include("mediatheek.portal.urls_privacy")),
]
