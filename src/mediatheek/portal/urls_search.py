from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import catalogue

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/zoeken", catalogue.search, name="search"),
    path("<slug:slug>/zoeken/", catalogue.search),
    path("<slug:slug>/titel/<int:pk>/", catalogue.title_detail, name="title"),
    path("<slug:slug>/titel/<int:pk>/omslag/", catalogue.cover, name="cover"),
    path("<slug:slug>/kast/", catalogue.shelf, name="shelf"),
    path("<slug:slug>/toppers/", catalogue.toppers_view, name="toppers"),
    path("<slug:slug>/leestips/", catalogue.content_list, {"kind": "leestips"}, name="tips"),
    path("<slug:slug>/weetjes/", catalogue.content_list, {"kind": "weetjes"}, name="facts"),
    path(
        "<slug:slug>/leestips/<int:pk>/afbeelding/", catalogue.content_picture, {"kind": "leestips"}, name="tip_picture"
    ),
    path(
        "<slug:slug>/weetjes/<int:pk>/afbeelding/", catalogue.content_picture, {"kind": "weetjes"}, name="fact_picture"
    ),
]
