from django.urls import URLPattern, URLResolver, path

import mediatheek.client.views.imports as imports

urlpatterns: list[URLPattern | URLResolver] = [
    path("leerlingbestanden/", imports.upload_list, name="upload_list"),
    path("leerlingbestanden/nieuw/", imports.upload_from_client, name="upload_from_client"),
    path("leerlingbestanden/school/<int:school_pk>/", imports.school_history, name="upload_school_history"),
    path("leerlingbestanden/<int:pk>/download/", imports.upload_download, name="upload_download"),
    path("leerlingbestanden/<int:pk>/importeren/", imports.import_mapping, name="import_mapping"),
    path("leerlingbestanden/<int:pk>/voorbeeld/", imports.import_preview, name="import_preview"),
    path("leerlingbestanden/<int:pk>/toepassen/", imports.import_apply, name="import_apply"),
    path("leerlingimports/<int:run_pk>/", imports.import_result, name="import_result"),
    path("leerlingimports/<int:run_pk>/rapport.xlsx", imports.import_report, name="import_report"),
    path("leerlingimports/<int:run_pk>/ongedaan-maken/", imports.import_undo, name="import_undo"),
]
