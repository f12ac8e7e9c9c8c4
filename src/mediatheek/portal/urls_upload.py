from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import upload

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/mijn/upload/", upload.upload, name="upload"),
    path("<slug:slug>/mijn/upload/voorbeeld.xlsx", upload.example_file, name="upload_example"),
    path("<slug:slug>/mijn/upload/<int:pk>/", upload.upload_done, name="upload_done"),
]
