"""Leerlingbestanden: the schools' uploads, download, and the student-import wizard.

The wizard, like the catalogue's (catalog_tools.py): upload → columns (mapping) → preview → apply → result. The file
between the steps is a draft kept by a service (here the school's StudentUpload, encrypted; `_draft`); each view is
permission, one service or query call, render or redirect. Rules live in uploads.services and studentimport.services,
page read models in studentimport.queries and uploads.queries, the report in studentimport.report.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mediatheek.accounts.models import Role
from mediatheek.client.views.cards import pdf_response
from mediatheek.core import exports
from mediatheek.core.errors import DomainError
from mediatheek.patrons.services import record_print
from mediatheek.schools.models import School
from mediatheek.studentimport import leavers, queries
from mediatheek.studentimport.forms import mapping_from, mapping_hidden, mapping_query, with_mapping
from mediatheek.studentimport.models import ImportRun
from mediatheek.studentimport.pdf import leaver_books_pdf
from mediatheek.studentimport.report import report_filename, report_xlsx
from mediatheek.uploads import queries as upload_queries
from mediatheek.uploads import services
from mediatheek.uploads.forms import StudentFileForm
from mediatheek.uploads.handlers import upload_refusal, use_memory_handler
from mediatheek.uploads.models import StudentUpload
from mediatheek.web.permissions import View, client_view, switch_school
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


def _draft(request: ClientRequest, pk: int) -> StudentUpload:
    """The file being imported (the school's upload), or 404; the client switches to its school."""
    upload = get_object_or_404(StudentUpload.objects.select_related("school", "superseded_by"), pk=pk)
    switch_school(request, upload.school)  # working on a school's file switches the client to that school
    return upload


def _run(request: ClientRequest, run_pk: int) -> ImportRun:
    run = queries.run_for_page(run_pk)
    if run is None:
        raise Http404
    switch_school(request, run.school)
    return run


# --- the list of files, and the upload from the client ---------------------------------------------------------


@importers
def upload_list(request: ClientRequest) -> HttpResponse:
    """All uploads of all schools, newest first, and per school the date of its last import."""
    return _render_list(request)


def _render_list(request: ClientRequest, form: StudentFileForm | None = None) -> HttpResponse:
    overview = upload_queries.school_overview()
    context = {
        "uploads": upload_queries.recent_uploads(),
        "overview": overview,
        "missing_count": sum(1 for row in overview if not row.current),
        "form": form or StudentFileForm(),
        "now": timezone.now(),
    }
    return render(request, "client/imports/list.html", context, status=400 if form is not None else 200)


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
    if request.school is None:
        raise PermissionDenied
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            received = services.receive_upload(
                school=request.school,
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
    context = {
        "history_school": school,
        "uploads": upload_queries.uploads_of(school),
        "runs": queries.runs_of(school),
    }
    return render(request, "client/imports/history.html", context)


# --- the wizard: columns → preview → apply → result --------------------------------------------------------------


@importers
def import_mapping(request: ClientRequest, pk: int) -> HttpResponse:
    """Step 1: the columns as detected, correctable."""
    upload = _draft(request, pk)
    try:
        result = services.read_upload_for_import(upload=upload, by=request.user, mapping=mapping_from(request.GET))
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("client:upload_list")
    page = queries.mapping_page(result)
    context = {"upload": upload, "result": result, "fields": page.fields, "missing": page.missing, "step": 1}
    return render(request, "client/imports/mapping.html", context)


@importers
def import_preview(request: ClientRequest, pk: int) -> HttpResponse:
    """Step 2: what the import would do, computed without writing."""
    mapping = mapping_from(request.GET)
    upload = _draft(request, pk)
    try:
        preview = services.preview_upload(upload=upload, by=request.user, mapping=mapping)
    except DomainError as error:
        # Back to the columns, with the choices kept, so the librarian can correct them.
        messages.error(request, str(error.message))
        return redirect(with_mapping(reverse("client:import_mapping", kwargs={"pk": pk}), mapping))
    page = queries.preview_page(preview.plan)
    context = {
        "upload": upload,
        "preview": preview,
        "sections": page.sections,
        "counts": page.counts,
        "mapping": mapping,
        "mapping_query": mapping_query(mapping),
        "mapping_hidden": mapping_hidden(mapping),
        "step": 2,
    }
    return render(request, "client/imports/preview.html", context)


@require_POST
@importers
def import_apply(request: ClientRequest, pk: int) -> HttpResponse:
    """Step 3: apply in one transaction, then show the result. The same file is applied once, however often the
    button is pressed (two clicks, two tabs): the others are told and sent to the import that ran."""
    mapping = mapping_from(request.POST)
    upload = _draft(request, pk)
    confirmed = request.POST.get("allow_mass_deregistration") == "1"
    superseded_confirmed = request.POST.get("allow_superseded") == "1"
    try:
        run = services.apply_upload(
            upload=upload,
            by=request.user,
            mapping=mapping,
            allow_mass_deregistration=confirmed,
            allow_superseded=superseded_confirmed,
        )
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
        return redirect(with_mapping(reverse("client:import_preview", kwargs={"pk": pk}), mapping))
    messages.success(request, _("Het leerlingbestand is geïmporteerd."))
    return redirect("client:import_result", run_pk=run.pk)


@importers
def import_result(request: ClientRequest, run_pk: int) -> HttpResponse:
    page = queries.result_page(_run(request, run_pk))
    context = {
        "run": page.run,
        "counts": page.counts,
        "changes": page.changes,
        "error_rows": page.error_rows,
        "new_ids": page.new_ids,
        "cards_url": f"{reverse('client:cards_pdf')}?import_run={run_pk}",
        "can_undo": page.can_undo,
        "leaver_books": page.leaver_books,
        "step": 3,
    }
    return render(request, "client/imports/result.html", context)


@importers
def import_report(request: ClientRequest, run_pk: int) -> HttpResponse:
    run = queries.run_for_page(run_pk)
    if run is None:
        raise Http404
    content = report_xlsx(run, by=request.user, request=request)
    return exports.download(content, report_filename(run), exports.XLSX)


@importers
def import_undo(request: ClientRequest, run_pk: int) -> HttpResponse:
    """Asks first, in numbers (GET, or a POST without the confirmation); the confirmed POST undoes the import."""
    run = _run(request, run_pk)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            services.undo_upload_import(run=run, by=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("De import is ongedaan gemaakt."))
        return redirect("client:import_result", run_pk=run.pk)
    question = queries.undo_question(run)
    if question is None:
        messages.error(request, _("Alleen de laatste import van een school kan ongedaan worden gemaakt."))
        return redirect("client:import_result", run_pk=run.pk)
    return render(request, "client/imports/undo_confirm.html", {"run": run, "question": question})


@importers
def import_leaver_books_pdf(request: ClientRequest, run_pk: int) -> HttpResponse:
    """ "Nog in te leveren": the leavers' books per group, one page each, for the school."""
    run = _run(request, run_pk)
    books = leavers.leaver_books(run)
    content = leaver_books_pdf(run.school, leavers.by_group(books))
    record_print(school=run.school, what="nog in te leveren", count=len(books), by=request.user, request=request)
    return pdf_response(content, leavers.leaver_books_filename(run))


@importers
def import_mail_school(request: ClientRequest, run_pk: int) -> HttpResponse:
    """ "Mail de school": asks first (GET), sends the leavers' books to the school's contact address (POST)."""
    run = _run(request, run_pk)
    if request.method == "POST":
        try:
            recipient = leavers.remind_school(run=run, by=request.user, request=request)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("De school krijgt de lijst per mail op %(address)s.") % {"address": recipient})
        return redirect("client:import_result", run_pk=run.pk)
    context = {"run": run, "books": leavers.leaver_books(run), "recipient": run.school.contact_email}
    return render(request, "client/imports/mail_school_confirm.html", context)
