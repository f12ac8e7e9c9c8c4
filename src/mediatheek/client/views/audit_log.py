"""The audit log for library staff: who uploaded, downloaded, imported, exported, deleted — filtered and exported."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediatheek.core import audit
from mediatheek.core.exports import CSV, XLSX, csv_bytes, download, xlsx_bytes
from mediatheek.core.models import AuditEvent
from mediatheek.schools.models import School
from mediatheek.web.permissions import staff_only
from mediatheek.web.requests import ClientRequest

PAGE_SIZE = 100


class AuditFilterForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.order_by("name"), required=False)
    actor = forms.CharField(label=_("Door"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("Actie"), required=False, choices=[("", "—"), *AuditEvent.Action.choices])
    date_from = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _filtered(request: ClientRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("school").order_by("-at", "-id")
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        if data["school"] is not None:
            events = events.filter(school=data["school"])
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone))
        if data["date_to"]:
            events = events.filter(
                at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            )
    elif request.GET:
        events = events.none()
    return form, events


@staff_only
def audit_log(request: ClientRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "client/security/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


HEADER = ["tijdstip", "door", "school", "actie", "soort object", "object", "omschrijving", "IP-adres"]


def _rows(events: QuerySet[AuditEvent]) -> list[list[Any]]:
    return [
        [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_label,
            event.school.code if event.school else "",
            event.action,
            event.object_type,
            event.object_id,
            event.summary,
            event.ip_address or "",
        ]
        for event in events.iterator()
    ]


def _export(request: ClientRequest, kind: str) -> HttpResponse:
    _form, events = _filtered(request)
    rows = _rows(events)
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=request.user,
        summary=f"auditlog geëxporteerd ({kind}, {len(rows)} regels)",
        request=request,
    )
    stamp = f"{timezone.localdate():%Y%m%d}"
    if kind == "csv":
        return download(csv_bytes(HEADER, rows), f"auditlog-{stamp}.csv", CSV)
    return download(xlsx_bytes({"auditlog": (HEADER, rows)}), f"auditlog-{stamp}.xlsx", XLSX)


@staff_only
def audit_log_csv(request: ClientRequest) -> HttpResponse:
    return _export(request, "csv")


@staff_only
def audit_log_xlsx(request: ClientRequest) -> HttpResponse:
    return _export(request, "xlsx")
