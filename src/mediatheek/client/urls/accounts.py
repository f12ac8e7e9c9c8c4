"""/client/accounts/: the accounts of the library and the schools."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import accounts

urlpatterns: list[URLPattern | URLResolver] = [
    path("", accounts.account_list, name="account_list"),
    path("nieuw/", accounts.account_add, name="account_add"),
    path("<int:pk>/", accounts.account_edit, name="account_edit"),
    path("<int:pk>/wachtwoord/", accounts.account_reset_password, name="account_reset_password"),
    path("<int:pk>/uitzetten/", accounts.account_deactivate, name="account_deactivate"),
    path("<int:pk>/aanzetten/", accounts.account_reactivate, name="account_reactivate"),
    path("<int:pk>/verwijderen/", accounts.account_delete, name="account_delete"),
    path("<int:pk>/inlogbrief/", accounts.account_letter, name="account_letter"),
]
