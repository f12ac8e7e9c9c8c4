"""A school's data for library staff (the processor): complete export and verified deletion at contract end."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.core.errors import DomainError
from mediatheek.core.exports import XLSX, download
from mediatheek.operations import school_data
from mediatheek.schools.forms import DeleteSchoolForm
from mediatheek.schools.models import School
from mediatheek.web.permissions import forget_school, staff_only
from mediatheek.web.requests import ClientRequest


def _filename(school: School, extension: str) -> str:
    return f"mediatheek-{school.code}-{timezone.localdate():%Y%m%d}.{extension}"


def _page(request: ClientRequest, school: School, form: DeleteSchoolForm | None = None) -> HttpResponse:
    check = school_data.deletion_check(school)
    context = {
        "school": school,
        "counts": school_data.data_counts(school),
        "check": check,
        "recent_export_days": school_data.RECENT_EXPORT_DAYS,
        "form": form or DeleteSchoolForm(export_is_recent=check.export_is_recent),
    }
    return render(request, "client/security/school_data.html", context)


@staff_only
def school_data_page(request: ClientRequest, pk: int) -> HttpResponse:
    return _page(request, get_object_or_404(School, pk=pk))


@staff_only
def school_export_xlsx(request: ClientRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(School, pk=pk)
    content = school_data.export_xlsx(school, by=request.user, request=request)
    return download(content, _filename(school, "xlsx"), XLSX)


@staff_only
def school_export_json(request: ClientRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(School, pk=pk)
    content = school_data.export_json(school, by=request.user, request=request)
    return download(content, _filename(school, "json"), "application/json")


@require_POST
@staff_only
def school_delete(request: ClientRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(School, pk=pk)
    form = DeleteSchoolForm(request.POST, export_is_recent=school_data.deletion_check(school).export_is_recent)
    if form.is_valid():
        try:
            report = school_data.delete_school(
                school=school,
                confirm_code=form.cleaned_data["confirm_code"],
                without_recent_export=form.cleaned_data.get("without_recent_export", False),
                by=request.user,
                request=request,
            )
        except school_data.NoRecentExport as error:
            form.add_error(None, str(error.message))
        except DomainError as error:
            form.add_error("confirm_code", str(error.message))
        else:
            forget_school(request, pk)
            messages.success(
                request,
                _(
                    "De school %(name)s (%(code)s) en al haar gegevens zijn verwijderd en gecontroleerd. "
                    "De auditlog en de inlogregistraties blijven tot hun bewaartermijn."
                )
                % {"name": report.name, "code": report.code},
            )
            return redirect("client:school_list")
    return _page(request, school, form)
