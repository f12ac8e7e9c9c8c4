"""/client/te-laat/: overdue loans, their list and the reminders."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import patron_overdue

urlpatterns: list[URLPattern | URLResolver] = [
    path("", patron_overdue.overdue_list, name="overdue_list"),
    path("lijst.pdf", patron_overdue.overdue_pdf, name="overdue_pdf"),
    path("herinneren/", patron_overdue.overdue_remind, name="overdue_remind"),
]
