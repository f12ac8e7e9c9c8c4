"""The audit log: who uploaded, downloaded, imported, exported, deleted, logged in — filtered and exported.

Library staff read the whole log; a school's coordinator (school admin) reads their own school's events only.
Who and what are named in words at display time (client.audit_names), one query per model per page.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediatheek.client.audit_names import NAMERS
from mediatheek.core import audit
from mediatheek.core.exports import CSV, XLSX, csv_bytes, download, xlsx_bytes
from mediatheek.core.models import AuditEvent
from mediatheek.schools.models import School
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

PAGE_SIZE = 100


class AuditFilterForm(forms.Form):
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=School.objects.order_by("name"), required=False
    )
    actor = forms.CharField(label=gettext_lazy("Door"), max_length=150, required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Actie"), required=False, choices=[("", "—"), *AuditEvent.Action.choices]
    )
    date_from = forms.DateField(
        label=gettext_lazy("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, whole_log: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not whole_log:  # a coordinator reads one school's log: there is no school to choose
            del self.fields["school"]


def _visible_events(request: ClientRequest) -> QuerySet[AuditEvent]:
    """Library staff: every event. A coordinator: their own school's events, nothing else."""
    events = AuditEvent.objects.select_related("school").order_by("-at", "-id")
    if request.user.is_library_staff:
        return events
    return events.filter(school=request.school)


def _filtered(request: ClientRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None, whole_log=request.user.is_library_staff)
    events = _visible_events(request)
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        if data.get("school") is not None:
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


@managers
def audit_log(request: ClientRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "form": form,
        "page": page,
        "rows": audit.rows_in_words(page.object_list, NAMERS),
        "query": query.urlencode(),
        "whole_log": request.user.is_library_staff,
    }
    return render(request, "client/security/audit_log.html", context)


def _header() -> list[str]:
    return [_("tijdstip"), _("door"), _("school"), _("actie"), _("wat"), _("omschrijving"), _("IP-adres")]


def _rows(events: QuerySet[AuditEvent]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    # Named a thousand events at a time: a large export costs a few queries per thousand rows, not one per row.
    remaining = events.iterator(chunk_size=1000)
    while chunk := list(itertools.islice(remaining, 1000)):
        rows += [
            [
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                row.actor,
                row.school_code,
                row.action_label,
                row.subject,
                row.summary,
                row.ip_address,
            ]
            for row in audit.rows_in_words(chunk, NAMERS)
        ]
    return rows


def _export(request: ClientRequest, kind: str) -> HttpResponse:
    _form, events = _filtered(request)
    rows = _rows(events)
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=request.user,
        school=None if request.user.is_library_staff else request.school,
        summary=f"auditlog geëxporteerd ({kind}, {len(rows)} regels)",
        request=request,
    )
    stamp = f"{timezone.localdate():%Y%m%d}"
    if kind == "csv":
        return download(csv_bytes(_header(), rows), f"auditlog-{stamp}.csv", CSV)
    return download(xlsx_bytes({_("auditlog"): (_header(), rows)}), f"auditlog-{stamp}.xlsx", XLSX)


@managers
def audit_log_csv(request: ClientRequest) -> HttpResponse:
    return _export(request, "csv")


@managers
def audit_log_xlsx(request: ClientRequest) -> HttpResponse:
    return _export(request, "xlsx")
