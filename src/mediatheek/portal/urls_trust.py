from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import trust

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/privacy/", trust.privacy, name="privacy"),
]
