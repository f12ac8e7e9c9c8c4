from django.urls import include, path

from mediatheek.client.views import accounts, auth, home, patrons, pwa, schools

app_name = "client"

urlpatterns = [
    path("", home.home, name="home"),
    path("inloggen/", auth.ClientLoginView.as_view(), name="login"),
    path("uitloggen/", auth.ClientLogoutView.as_view(), name="logout"),
    path("wachtwoord/", auth.password_change, name="password_change"),
    path("school/", auth.switch_school, name="switch_school"),
    path("scholen/", schools.school_list, name="school_list"),
    path("scholen/nieuw/", schools.school_edit, name="school_add"),
    path("scholen/<int:pk>/", schools.school_edit, name="school_edit"),
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/nieuw/", accounts.account_add, name="account_add"),
    path("accounts/<int:pk>/wachtwoord/", accounts.account_reset_password, name="account_reset_password"),
    path("leners/", patrons.patron_list, name="patron_list"),
    path("leners/<int:pk>/", patrons.patron_detail, name="patron_detail"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    # Each area of the client keeps its routes in a module of its own (names stay in the "client" namespace).
    path("", include("mediatheek.client.urls_desk")),
    path("", include("mediatheek.client.urls_patrons")),
    path("", include("mediatheek.client.urls_catalog")),
    path("", include("mediatheek.client.urls_imports")),
    path("", include("mediatheek.client.urls_content")),
    path("", include("mediatheek.client.urls_security")),
]
