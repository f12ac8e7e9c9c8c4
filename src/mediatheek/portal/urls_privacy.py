from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import privacy

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/privacy/", privacy.privacy, name="privacy"),
]
