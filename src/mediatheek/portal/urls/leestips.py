"""<slug>/leestips/: the school's reading tips."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import catalog as catalogue

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue.content_list, {"kind": "leestips"}, name="tips"),
    path("<int:pk>/afbeelding/", catalogue.content_picture, {"kind": "leestips"}, name="tip_picture"),
]
