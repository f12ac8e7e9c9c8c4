"""Overdue lists per group (screen and PDF for the teacher) and reminder mail. Coordinators and library staff only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mediatheek.circulation.overdue import overdue_by_group, overdue_rows_by_group
from mediatheek.circulation.services import send_overdue_reminders
from mediatheek.client.views.cards import pdf_response
from mediatheek.core.params import int_or_none
from mediatheek.patrons import pdf, services
from mediatheek.patrons.forms import current_groups
from mediatheek.patrons.models import Group
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

REMINDER_INTERVAL_DAYS = 7


def _group(request: ClientRequest) -> Group | None:
    params = request.POST if request.method == "POST" else request.GET
    group_pk = int_or_none(params.get("groep", ""))
    if group_pk is None:
        return None
    return get_object_or_404(Group.objects.for_school(request.school), pk=group_pk)


@managers
def overdue_list(request: ClientRequest) -> HttpResponse:
    group = _group(request)
    today = timezone.localdate()
    by_group = overdue_rows_by_group(request.school, group=group, today=today)
    return render(
        request,
        "client/patrons/overdue.html",
        {
            "by_group": by_group,
            "group": group,
            "groups": current_groups(request.school),
            "today": today,
            "interval": REMINDER_INTERVAL_DAYS,
            "total": sum(len(rows) for _shown_group, rows in by_group),
        },
    )


@managers
def overdue_pdf(request: ClientRequest) -> HttpResponse:
    group = _group(request)
    by_group = overdue_by_group(request.school, group=group)
    content = pdf.overdue_pdf(request.school, by_group)
    services.record_print(
        school=request.school,
        what="te-laatlijst" + (f" {group.name}" if group else ""),
        count=sum(len(loans) for _shown_group, loans in by_group),
        by=request.user,
        request=request,
    )
    return pdf_response(content, f"te-laat-{slugify(group.name) if group else 'alle-groepen'}.pdf")


@require_POST
@managers
def overdue_remind(request: ClientRequest) -> HttpResponse:
    group = _group(request)
    result = send_overdue_reminders(
        school=request.school, group=group, interval_days=REMINDER_INTERVAL_DAYS, by=request.user
    )
    sent = len(result.sent)
    messages.success(
        request,
        ngettext("%(count)d herinnering verstuurd.", "%(count)d herinneringen verstuurd.", sent) % {"count": sent},
    )
    if result.skipped_recent:
        messages.info(
            request,
            ngettext(
                "%(count)d lener niet opnieuw gemaild: %(recent)s",
                "%(count)d leners niet opnieuw gemaild: %(recent)s",
                len(result.skipped_recent),
            )
            % {"count": len(result.skipped_recent), "recent": _recently_reminded()},
        )
    if result.without_email:
        messages.warning(
            request,
            ngettext(
                "%(count)d lener heeft geen e-mailadres: %(names)s.",
                "%(count)d leners hebben geen e-mailadres: %(names)s.",
                len(result.without_email),
            )
            % {"count": len(result.without_email), "names": ", ".join(p.full_name for p in result.without_email)},
        )
    if result.failed:
        messages.error(
            request,
            _("Versturen mislukt voor: %(names)s. Probeer het later opnieuw.")
            % {"names": ", ".join(p.full_name for p in result.failed)},
        )
    url = reverse("client:overdue_list")
    return redirect(f"{url}?groep={group.pk}" if group else url)


def _recently_reminded() -> str:
    return ngettext(
        "de afgelopen %(days)d dag kregen ze al een herinnering.",
        "de afgelopen %(days)d dagen kregen ze al een herinnering.",
        REMINDER_INTERVAL_DAYS,
    ) % {"days": REMINDER_INTERVAL_DAYS}
