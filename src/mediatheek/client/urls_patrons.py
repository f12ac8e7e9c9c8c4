from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import cards, patron_overdue, patrons

urlpatterns: list[URLPattern | URLResolver] = [
    path("leners/nieuw/", patrons.patron_add, name="patron_add"),
    path("leners/<int:pk>/wijzigen/", patrons.patron_edit, name="patron_edit"),
    path("leners/<int:pk>/uitschrijven/", patrons.patron_deregister, name="patron_deregister"),
    path("leners/<int:pk>/inschrijven/", patrons.patron_reactivate, name="patron_reactivate"),
    path("groepen/", patrons.group_list, name="group_list"),
    path("leners/passen.pdf", cards.cards_pdf, name="cards_pdf"),
    path("leners/inlogbrieven/", cards.login_letters, name="login_letters"),
    path("te-laat/", patron_overdue.overdue_list, name="overdue_list"),
    path("te-laat/lijst.pdf", patron_overdue.overdue_pdf, name="overdue_pdf"),
    path("te-laat/herinneren/", patron_overdue.overdue_remind, name="overdue_remind"),
]
