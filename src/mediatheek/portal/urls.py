from django.urls import path

from mediatheek.portal.views import base

app_name = "portal"

urlpatterns = [
    path("", base.school_index, name="index"),
    path("<slug:slug>/", base.home, name="home"),
    path("<slug:slug>/inloggen/", base.login_view, name="login"),
    path("<slug:slug>/uitloggen/", base.logout_view, name="logout"),
    path("<slug:slug>/mijn/", base.mine, name="mine"),
    path("<slug:slug>/mijn/wachtwoord/", base.password_change, name="password_change"),
]
