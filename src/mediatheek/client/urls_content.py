from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import content

urlpatterns: list[URLPattern | URLResolver] = [
    path("leestips/", content.content_list, name="content_list"),
    path("leestips/<str:kind>/nieuw/", content.content_edit, name="content_add"),
    path("leestips/<str:kind>/<int:pk>/", content.content_edit, name="content_edit"),
    path("leestips/<str:kind>/<int:pk>/verwijderen/", content.content_delete, name="content_delete"),
    path("leestips/<str:kind>/<int:pk>/afbeelding/", content.content_picture, name="content_picture"),
]
