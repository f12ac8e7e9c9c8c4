"""/client/accounts/: the accounts of the library and the schools."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import accounts

urlpatterns: list[URLPattern | URLResolver] = [
    path("", accounts.account_list, name="account_list"),
    path("nieuw/", accounts.account_add, name="account_add"),
    path("<int:pk>/wachtwoord/", accounts.account_reset_password, name="account_reset_password"),
]
