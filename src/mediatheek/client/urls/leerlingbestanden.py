"""/client/leerlingbestanden/: the schools' student files and the import wizard that reads one."""

from django.urls import URLPattern, URLResolver, path

import mediatheek.client.views.imports as imports

urlpatterns: list[URLPattern | URLResolver] = [
    path("", imports.upload_list, name="upload_list"),
    path("nieuw/", imports.upload_from_client, name="upload_from_client"),
    path("school/<int:school_pk>/", imports.school_history, name="upload_school_history"),
    path("<int:pk>/download/", imports.upload_download, name="upload_download"),
    path("<int:pk>/importeren/", imports.import_mapping, name="import_mapping"),
    path("<int:pk>/voorbeeld/", imports.import_preview, name="import_preview"),
    path("<int:pk>/toepassen/", imports.import_apply, name="import_apply"),
]
