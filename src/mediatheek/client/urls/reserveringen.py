"""/client/reserveringen/: the reservations' round (pick list, hold shelf, putting back) and cancelling one."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import reservations

urlpatterns: list[URLPattern | URLResolver] = [
    path("", reservations.pick_list, name="reservations_pick"),
    path("scan/", reservations.pick_scan, name="reservations_pick_scan"),
    path("klaargelegd/", reservations.hold_shelf, name="reservations_hold_shelf"),
    path("terugzetten/", reservations.put_back_list, name="reservations_put_back"),
    path("terugzetten/scan/", reservations.put_back_scan, name="reservations_put_back_scan"),
    path("<int:pk>/annuleren/", reservations.cancel, name="reservations_cancel"),
]
