"""/client/leestips/: the reading tips and facts a school shows on its portal."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import content

urlpatterns: list[URLPattern | URLResolver] = [
    path("", content.content_list, name="content_list"),
    path("titels/", content.content_titles, name="content_titles"),
    path("voorbeeld/", content.content_preview, name="content_preview"),
    path("<str:kind>/nieuw/", content.content_edit, name="content_add"),
    path("<str:kind>/<int:pk>/", content.content_edit, name="content_edit"),
    path("<str:kind>/<int:pk>/verwijderen/", content.content_delete, name="content_delete"),
    path("<str:kind>/<int:pk>/afbeelding/", content.content_picture, name="content_picture"),
]
