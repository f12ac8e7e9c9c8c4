from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import desk, desk_rules

urlpatterns: list[URLPattern | URLResolver] = [
    path("balie/", desk.start, name="desk"),
    path("balie/scan/", desk.scan_card, name="desk_scan"),
    path("balie/lener/<int:pk>/", desk.patron_screen, name="desk_patron"),
    path("balie/lener/<int:pk>/scan/", desk.patron_scan, name="desk_patron_scan"),
    path("balie/lener/<int:pk>/verlengen/", desk.renew_all, name="desk_renew_all"),
    path("balie/lener/<int:pk>/verlengen/<int:loan_pk>/", desk.renew, name="desk_renew"),
    path("balie/lener/<int:pk>/reserveren/", desk.reserve, name="desk_reserve"),
    path(
        "balie/lener/<int:pk>/reserveringen/<int:reservation_pk>/annuleren/",
        desk.cancel_reservation,
        name="desk_cancel_reservation",
    ),
    path("balie/inleveren/", desk.return_screen, name="desk_return"),
    path("balie/inleveren/scan/", desk.return_scan, name="desk_return_scan"),
    path("balie/regels/", desk_rules.rule_list, name="desk_rules"),
    path("balie/regels/nieuw/", desk_rules.rule_edit, name="desk_rule_add"),
    path("balie/regels/<int:pk>/", desk_rules.rule_edit, name="desk_rule_edit"),
    path("balie/regels/<int:pk>/verwijderen/", desk_rules.rule_delete, name="desk_rule_delete"),
    path("balie/sluitingsdagen/nieuw/", desk_rules.closed_day_edit, name="desk_closed_day_add"),
    path("balie/sluitingsdagen/<int:pk>/", desk_rules.closed_day_edit, name="desk_closed_day_edit"),
    path("balie/sluitingsdagen/<int:pk>/verwijderen/", desk_rules.closed_day_delete, name="desk_closed_day_delete"),
    path("ping", desk.ping, name="ping"),
]
