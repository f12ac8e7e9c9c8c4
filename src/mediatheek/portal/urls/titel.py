"""<slug>/titel/<pk>/: one title: its page and cover, and what a pupil does with it (reserve, log, wish)."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import catalog as catalogue
from mediatheek.portal.views import mine

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue.title_detail, name="title"),
    path("omslag/", catalogue.cover, name="cover"),
    path("reserveren/", mine.reserve, name="reserve"),
    path("leeslog/", mine.rate, name="rate"),
    path("verlanglijst/", mine.wish_add, name="wish_add"),
    path("verlanglijst/weg/", mine.wish_remove, name="wish_remove"),
]
