"""/client/balie/: the desk (lend, return, renew, reserve) and its rules and closed days."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import desk, desk_rules

urlpatterns: list[URLPattern | URLResolver] = [
    path("", desk.start, name="desk"),
    path("scan/", desk.scan_card, name="desk_scan"),
    path("lener/<int:pk>/", desk.patron_screen, name="desk_patron"),
    path("lener/<int:pk>/scan/", desk.patron_scan, name="desk_patron_scan"),
    path("lener/<int:pk>/verlengen/", desk.renew_all, name="desk_renew_all"),
    path("lener/<int:pk>/verlengen/<int:loan_pk>/", desk.renew, name="desk_renew"),
    path("lener/<int:pk>/reserveren/", desk.reserve, name="desk_reserve"),
    path(
        "lener/<int:pk>/reserveringen/<int:reservation_pk>/annuleren/",
        desk.cancel_reservation,
        name="desk_cancel_reservation",
    ),
    path("inleveren/", desk.return_screen, name="desk_return"),
    path("inleveren/scan/", desk.return_scan, name="desk_return_scan"),
    path("regels/", desk_rules.rule_list, name="desk_rules"),
    path("regels/nieuw/", desk_rules.rule_edit, name="desk_rule_add"),
    path("regels/<int:pk>/", desk_rules.rule_edit, name="desk_rule_edit"),
    path("regels/<int:pk>/verwijderen/", desk_rules.rule_delete, name="desk_rule_delete"),
    path("sluitingsdagen/nieuw/", desk_rules.closed_day_edit, name="desk_closed_day_add"),
    path("sluitingsdagen/<int:pk>/", desk_rules.closed_day_edit, name="desk_closed_day_edit"),
    path("sluitingsdagen/<int:pk>/inleverdata/", desk_rules.closed_day_due_dates, name="desk_closed_day_due_dates"),
    path("sluitingsdagen/<int:pk>/verwijderen/", desk_rules.closed_day_delete, name="desk_closed_day_delete"),
]
