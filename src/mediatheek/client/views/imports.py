"""Leerlingbestanden: the schools' uploads, download, and the student-import wizard (mapping, preview, apply, undo)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mediatheek.accounts.models import Role
from mediatheek.client.views import import_wizard as wizard
from mediatheek.core import exports
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import School
from mediatheek.uploads import services
from mediatheek.uploads.forms import StudentFileForm
from mediatheek.uploads.handlers import upload_refusal, use_memory_handler
from mediatheek.uploads.models import StudentUpload
from mediatheek.web.permissions import SESSION_SCHOOL_KEY, View, client_view
from mediatheek.web.requests import ClientRequest


def importers(view: View) -> View:
    """Library staff with the import right only (may_import_students); everyone else is refused."""

    def check(request: ClientRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.can_import_students:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    check.__name__ = view.__name__
    check.__doc__ = view.__doc__
    return client_view([Role.STAFF], needs_school=False)(check)


def work_on(request: ClientRequest, school: School) -> None:
    """Working on a school's file switches the client to that school (header, patron list, cards)."""
    request.session[SESSION_SCHOOL_KEY] = school.pk
    request.school = school
    request._current_school = school  # type: ignore[attr-defined]


def school_overview() -> list[dict[str, Any]]:
    """Per active school: its last import, whether it has one this school year, and its last upload."""
    schools = list(School.objects.filter(active=True).order_by("name"))
    last_imports = services.last_import_dates(schools)
    last_uploads: dict[int, StudentUpload] = {}
    for upload in StudentUpload.objects.filter(school__in=schools).order_by("school_id", "-uploaded_at"):
        last_uploads.setdefault(upload.school_id, upload)
    today = timezone.localdate()
    return [
        {
            "school": school,
            "last_import": last_imports.get(school.pk),
            "current": services.imported_this_school_year(last_imports.get(school.pk), today),
            "last_upload": last_uploads.get(school.pk),
        }
        for school in schools
    ]


@importers
def upload_list(request: ClientRequest) -> HttpResponse:
    """All uploads of all schools, newest first, and per school the date of its last import."""
    return _render_list(request)


def _render_list(request: ClientRequest, form: StudentFileForm | None = None) -> HttpResponse:
    uploads = StudentUpload.objects.select_related("school", "uploaded_by")[:200]
    overview = school_overview()
    return render(
        request,
        "client/imports/list.html",
        {
            "uploads": uploads,
            "overview": overview,
            "missing_count": sum(1 for row in overview if not row["current"]),
            "form": form or StudentFileForm(),
            "now": timezone.now(),
        },
        status=400 if form is not None else 200,
    )


@csrf_exempt  # only so the upload handler can be swapped first; the inner view is csrf_protect-ed
@require_POST
@importers
def upload_from_client(request: ClientRequest) -> HttpResponse:
    """An import that starts from a file chosen in the client, for the school the client works on."""
    use_memory_handler(request)
    return _upload_from_client(request)


@csrf_protect
def _upload_from_client(request: ClientRequest) -> HttpResponse:
    form = StudentFileForm(request.POST, request.FILES, refusal=upload_refusal(request))
    school = request.school
    if school is None:
        raise PermissionDenied
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            received = services.receive_upload(
                school=school,
                filename=uploaded.name or "",
                data=uploaded.read(settings.STUDENT_FILE_MAX_BYTES + 1),
                by=request.user,
                request=request,
                source=StudentUpload.Source.CLIENT,
                notify=False,
                strict=False,
            )
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            return redirect("client:import_mapping", pk=received.pk)
    return _render_list(request, form)


@importers
def upload_download(request: ClientRequest, pk: int) -> HttpResponse:
    upload = get_object_or_404(StudentUpload.objects.select_related("school"), pk=pk)
    try:
        data = services.download_upload(upload=upload, by=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("client:upload_list")
    response = HttpResponse(data, content_type="application/octet-stream")
    # RFC 6266 with filename*: a school's file name with accents ("Zoë") arrives as it was sent.
    response["Content-Disposition"] = content_disposition_header(True, upload.filename) or "attachment"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@importers
def school_history(request: ClientRequest, school_pk: int) -> HttpResponse:
    """One school's uploads and imports, with who and when."""
    school = get_object_or_404(School, pk=school_pk)
    return render(
        request,
        "client/imports/history.html",
        {
            "history_school": school,
            "uploads": StudentUpload.objects.for_school(school).select_related("uploaded_by"),
            "runs": wizard.runs_of(school),
        },
    )


# --- the wizard -------------------------------------------------------------------------------------------


def _upload_with_data(request: ClientRequest, pk: int) -> tuple[StudentUpload, bytes]:
    upload = get_object_or_404(StudentUpload.objects.select_related("school"), pk=pk)
    data = services.read_upload(upload=upload, by=request.user)
    work_on(request, upload.school)
    return upload, data


@importers
def import_mapping(request: ClientRequest, pk: int) -> HttpResponse:
    """Step 1: the columns as detected, correctable."""
    try:
        upload, data = _upload_with_data(request, pk)
        result = wizard.read(upload=upload, data=data, mapping=wizard.mapping_from(request.GET))
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("client:upload_list")
    return render(
        request,
        "client/imports/mapping.html",
        {
            "upload": upload,
            "result": result,
            "fields": wizard.mapping_fields(result),
            "missing": wizard.missing_labels(result),
            "step": 1,
        },
    )


@importers
def import_preview(request: ClientRequest, pk: int) -> HttpResponse:
    """Step 2: what the import would do, computed without writing."""
    mapping = wizard.mapping_from(request.GET)
    try:
        upload, data = _upload_with_data(request, pk)
        preview = wizard.preview(upload=upload, data=data, mapping=mapping)
    except DomainError as error:
        # Back to the columns, with the choices kept, so the librarian can correct them.
        messages.error(request, str(error.message))
        mapping_url = reverse("client:import_mapping", kwargs={"pk": pk})
        query = wizard.mapping_query(mapping)
        return redirect(f"{mapping_url}?{query}" if query else mapping_url)
    return render(
        request,
        "client/imports/preview.html",
        {
            "upload": upload,
            "preview": preview,
            "sections": wizard.plan_sections(preview),
            "counts": wizard.count_rows(preview.counts),
            "mapping": mapping,
            "mapping_query": wizard.mapping_query(mapping),
            "mapping_hidden": wizard.mapping_hidden(mapping),
            "step": 2,
        },
    )


@require_POST
@importers
def import_apply(request: ClientRequest, pk: int) -> HttpResponse:
    """Step 3: apply in one transaction, then show the result. The same file is applied once, however often the
    button is pressed (two clicks, two tabs): the others are told and sent to the import that ran."""
    mapping = wizard.mapping_from(request.POST)
    confirmed = request.POST.get("allow_mass_deregistration") == "1"
    upload = get_object_or_404(StudentUpload.objects.select_related("school"), pk=pk)
    work_on(request, upload.school)
    try:
        run = wizard.apply(upload=upload, mapping=mapping, by=request.user, confirmed=confirmed)
    except services.AlreadyImported as error:
        messages.info(request, str(error.message))
        if error.run_id is not None:
            return redirect("client:import_result", run_pk=error.run_id)
        return redirect("client:upload_list")
    except services.ImportBusy as error:
        messages.error(request, str(error.message))
        return redirect("client:upload_list")
    except DomainError as error:
        messages.error(request, str(error.message))
        preview_url = reverse("client:import_preview", kwargs={"pk": pk})
        query = wizard.mapping_query(mapping)
        return redirect(f"{preview_url}?{query}" if query else preview_url)
    messages.success(request, _("Het leerlingbestand is geïmporteerd."))
    return redirect("client:import_result", run_pk=run.pk)


@importers
def import_result(request: ClientRequest, run_pk: int) -> HttpResponse:
    run = wizard.get_run(run_pk)
    work_on(request, run.school)
    new_ids = run.new_patron_ids()
    return render(
        request,
        "client/imports/result.html",
        {
            "run": run,
            "counts": wizard.count_rows(run.counts),
            "changes": wizard.run_sections(run),
            "error_rows": wizard.run_error_rows(run),
            "new_ids": new_ids,
            "cards_url": f"{reverse('client:cards_pdf')}?import_run={run.pk}",
            "can_undo": wizard.can_undo(run),
            "step": 3,
        },
    )


@importers
def import_report(request: ClientRequest, run_pk: int) -> HttpResponse:
    run = wizard.get_run(run_pk)
    content = wizard.report_xlsx(run, by=request.user, request=request)
    return exports.download(
        content, f"leerlingimport-{run.school.code}-{run.created_at:%Y%m%d-%H%M}.xlsx", exports.XLSX
    )


@require_POST
@importers
def import_undo(request: ClientRequest, run_pk: int) -> HttpResponse:
    run = wizard.get_run(run_pk)
    work_on(request, run.school)
    try:
        wizard.undo(run=run, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("De import is ongedaan gemaakt."))
    return redirect("client:import_result", run_pk=run.pk)
