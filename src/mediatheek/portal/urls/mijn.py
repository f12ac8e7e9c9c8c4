"""<slug>/mijn/: Mijn Bibliotheek, behind the portal login: loans, reservations, reading log, wish list, class,
password, and the student-file upload of a school's uploader."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.portal.views import base, mine, upload

urlpatterns: list[URLPattern | URLResolver] = [
    path("", base.mine, name="mine"),
    path("wachtwoord/", base.password_change, name="password_change"),
    path("boeken/", mine.loans, name="mine_loans"),
    path("boeken/<int:pk>/verlengen/", mine.renew, name="mine_renew"),
    path("reserveringen/", mine.reservations, name="mine_reservations"),
    path("reserveringen/<int:pk>/annuleren/", mine.cancel_reservation, name="mine_cancel_reservation"),
    path("leeslog/", mine.log, name="mine_log"),
    path("verlanglijst/", mine.wish_list, name="mine_wishlist"),
    path("klas/", mine.class_view, name="mine_class"),
    path("klas/lener/<int:pk>/wachtwoord/", mine.class_pupil_password, name="mine_class_pupil_password"),
    path("upload/", upload.upload, name="upload"),
    path("upload/voorbeeld.xlsx", upload.example_file, name="upload_example"),
    path("upload/<int:pk>/", upload.upload_done, name="upload_done"),
]
