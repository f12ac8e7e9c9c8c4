"""/client/scholen/: the schools, and a school's data (export, deletion)."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import school_data, schools

urlpatterns: list[URLPattern | URLResolver] = [
    path("", schools.school_list, name="school_list"),
    path("nieuw/", schools.school_edit, name="school_add"),
    path("<int:pk>/", schools.school_edit, name="school_edit"),
    path("<int:pk>/gegevens/", school_data.school_data_page, name="school_data"),
    path("<int:pk>/gegevens/export.xlsx", school_data.school_export_xlsx, name="school_export_xlsx"),
    path("<int:pk>/gegevens/export.json", school_data.school_export_json, name="school_export_json"),
    path("<int:pk>/verwijderen/", school_data.school_delete, name="school_delete"),
]
