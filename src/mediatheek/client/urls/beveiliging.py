"""/client/beveiliging/: the second factor of every account, for managers."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import second_factor

urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/", second_factor.security_accounts, name="security_accounts"),
    path("accounts/<int:pk>/", second_factor.security_account_update, name="security_account_update"),
    path("accounts/<int:pk>/app-verwijderen/", second_factor.security_account_reset, name="security_account_reset"),
]
