"""<slug>/weetjes/: the school's facts."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import catalog as catalogue

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue.content_list, {"kind": "weetjes"}, name="facts"),
    path("<int:pk>/afbeelding/", catalogue.content_picture, {"kind": "weetjes"}, name="fact_picture"),
]
