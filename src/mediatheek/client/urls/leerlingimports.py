"""/client/leerlingimports/: a student import that ran: its result, report, leavers' books and undo."""

from django.urls import URLPattern, URLResolver, path

import mediatheek.client.views.imports as imports

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:run_pk>/", imports.import_result, name="import_result"),
    path("<int:run_pk>/rapport.xlsx", imports.import_report, name="import_report"),
    path("<int:run_pk>/ongedaan-maken/", imports.import_undo, name="import_undo"),
    path("<int:run_pk>/nog-in-te-leveren.pdf", imports.import_leaver_books_pdf, name="import_leaver_books_pdf"),
    path("<int:run_pk>/school-mailen/", imports.import_mail_school, name="import_mail_school"),
]
