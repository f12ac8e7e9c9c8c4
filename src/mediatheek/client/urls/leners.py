"""/client/leners/: patrons, their cards and login letters."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import cards, patrons

urlpatterns: list[URLPattern | URLResolver] = [
    path("", patrons.patron_list, name="patron_list"),
    path("nieuw/", patrons.patron_add, name="patron_add"),
    path("<int:pk>/", patrons.patron_detail, name="patron_detail"),
    path("<int:pk>/wijzigen/", patrons.patron_edit, name="patron_edit"),
    path("<int:pk>/uitschrijven/", patrons.patron_deregister, name="patron_deregister"),
    path("<int:pk>/inschrijven/", patrons.patron_reactivate, name="patron_reactivate"),
    path("passen.pdf", cards.cards_pdf, name="cards_pdf"),
    path("inlogbrieven/", cards.login_letters, name="login_letters"),
]
