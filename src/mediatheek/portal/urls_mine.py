from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import mine

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/mijn/boeken/", mine.loans, name="mine_loans"),
    path("<slug:slug>/mijn/boeken/<int:pk>/verlengen/", mine.renew, name="mine_renew"),
    path("<slug:slug>/mijn/reserveringen/", mine.reservations, name="mine_reservations"),
    path("<slug:slug>/mijn/reserveringen/<int:pk>/annuleren/", mine.cancel_reservation, name="mine_cancel_reservation"),
    path("<slug:slug>/mijn/leeslog/", mine.log, name="mine_log"),
    path("<slug:slug>/mijn/verlanglijst/", mine.wish_list, name="mine_wishlist"),
    path("<slug:slug>/mijn/klas/", mine.class_view, name="mine_class"),
    path("<slug:slug>/titel/<int:pk>/reserveren/", mine.reserve, name="reserve"),
    path("<slug:slug>/titel/<int:pk>/leeslog/", mine.rate, name="rate"),
    path("<slug:slug>/titel/<int:pk>/verlanglijst/", mine.wish_add, name="wish_add"),
    path("<slug:slug>/titel/<int:pk>/verlanglijst/weg/", mine.wish_remove, name="wish_remove"),
]
