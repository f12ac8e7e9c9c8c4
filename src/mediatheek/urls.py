from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("client/", include("mediatheek.client.urls")),
    # The portal last: its first segment is a school's slug.
    path("", include("mediatheek.portal.urls")),
]

handler400 = "mediatheek.core.views.bad_request"
handler403 = "mediatheek.core.views.permission_denied"
handler404 = "mediatheek.core.views.page_not_found"
