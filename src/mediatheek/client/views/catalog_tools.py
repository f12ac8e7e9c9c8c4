"""Catalogue tools in the client: labels, export, record import (upload → preview → apply), stocktake."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mediatheek.catalog import import_drafts, importing, services
from mediatheek.catalog.exports import export_catalogue
from mediatheek.catalog.forms import (
    ImportUploadForm,
    LabelsForm,
    StocktakeScanForm,
    StocktakeStartForm,
    mapping_choices,
    mapping_from_post,
)
from mediatheek.catalog.import_drafts import ImportDraft
from mediatheek.catalog.labels import labels_pdf
from mediatheek.catalog.models import Copy, Stocktake
from mediatheek.core.errors import DomainError, FileRefused
from mediatheek.core.exports import CSV, XLSX, download
from mediatheek.uploads.handlers import upload_refusal, use_memory_handler
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

MAX_LABELS = 2000

# ---------------------------------------------------------------------------------------------- labels


@managers
def labels(request: ClientRequest) -> HttpResponse:
    """Labels for scanned barcodes, or for every copy added since a date, as a PDF for a label sheet."""
    initial = {"barcodes": request.GET.get("barcodes", "").replace(",", "\n")}
    form = LabelsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copies = Copy.objects.for_school(request.school).select_related("title")
        if data["barcodes"].strip():
            chosen, missing = services.copies_by_barcodes(request.school, data["barcodes"].splitlines())
            if missing:
                form.add_error(
                    "barcodes", _("Niet gevonden bij deze school: %(barcodes)s") % {"barcodes": ", ".join(missing)}
                )
                return render(request, "client/catalog/labels.html", {"form": form})
        else:
            since = data["since"]
            start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
            chosen = list(copies.filter(created_at__gte=start).order_by("created_at", "barcode")[: MAX_LABELS + 1])
            if not chosen:
                form.add_error("since", _("Sinds die datum zijn er geen exemplaren toegevoegd."))
                return render(request, "client/catalog/labels.html", {"form": form})
        if len(chosen) > MAX_LABELS:
            form.add_error(None, _("Te veel etiketten in één keer (meer dan %(n)d).") % {"n": MAX_LABELS})
            return render(request, "client/catalog/labels.html", {"form": form})
        pdf = labels_pdf(
            chosen,
            kind=data["kind"],
            sheet_key=data["sheet"],
            skip=data.get("skip") or 0,
            prefer=data["prefer"],
            school_name=request.school.name,
        )
        return download(pdf, "etiketten.pdf", "application/pdf")
    return render(request, "client/catalog/labels.html", {"form": form})


# ---------------------------------------------------------------------------------------------- export


@managers
def export(request: ClientRequest) -> HttpResponse:
    fmt = request.GET.get("formaat", "")
    if fmt not in ("csv", "xlsx"):
        return render(request, "client/catalog/export.html", {})
    content, filename = export_catalogue(request.school, fmt=fmt, by=request.user)
    return download(content, filename, XLSX if fmt == "xlsx" else CSV)


# ---------------------------------------------------------------------------------------------- import
# The same steps as the student import (imports.py): upload → columns (here on the preview page, for a tabular file)
# → preview → apply → result (a message, and the catalogue). The file between the steps is this session's draft
# (catalog.import_drafts; `_draft`); the rules and the writing are catalog.importing's.


def _draft(request: ClientRequest) -> ImportDraft:
    """The file this session is importing for this school, or 404."""
    try:
        return import_drafts.load_draft(request.session, school_id=request.school.pk, user_id=request.user.pk)
    except import_drafts.DraftNotFound:
        raise Http404 from None


@csrf_exempt  # only so the upload handler can be swapped first; the inner view is csrf_protect-ed
@managers
def import_upload(request: ClientRequest) -> HttpResponse:
    # One file, in the field "file", of at most MAX_FILE_BYTES: nothing else is read or buffered.
    use_memory_handler(request, field_names=("file",), max_bytes=importing.MAX_FILE_BYTES)
    return _import_upload(request)


@csrf_protect
def _import_upload(request: ClientRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    refusal = upload_refusal(request)
    if refusal:  # the upload handler refused the request (too large, a second file, another field)
        form.is_valid()
        form.errors["file"] = form.error_class([refusal])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            importing.receive_file(
                request.session,
                school=request.school,
                by=request.user,
                filename=upload.name or "",
                content=upload.read(importing.MAX_FILE_BYTES + 1),
                with_copies=bool(form.cleaned_data["with_copies"]),
                request=request,
            )
        except FileRefused as error:
            form.add_error("file", str(error))
        else:
            return redirect("client:catalog_import_preview")
    return render(request, "client/catalog/import_upload.html", {"form": form})


@managers
def import_preview(request: ClientRequest) -> HttpResponse:
    """The plan, computed without writing; a POST with "mapping" reads the file again with the columns chosen."""
    draft = _draft(request)
    choose = request.method == "POST" and "mapping" in request.POST
    try:
        preview = importing.preview_draft(
            draft,
            school=request.school,
            choice=mapping_from_post(request.POST, draft.columns) if choose else None,
            with_copies=request.POST.get("with_copies") == "on" if choose else None,
        )
    except FileRefused as error:
        messages.error(request, str(error))
        return redirect("client:catalog_import")
    context = {"preview": preview, "plan": preview.plan, "choices": mapping_choices()}
    return render(request, "client/catalog/import_preview.html", context)


@managers
@require_POST
def import_apply(request: ClientRequest) -> HttpResponse:
    """Import the draft as previewed, in one transaction; the draft is discarded."""
    draft = _draft(request)
    try:
        outcome = importing.apply_draft(request.session, draft, school=request.school, by=request.user)
    except FileRefused as error:
        messages.error(request, str(error))
        return redirect("client:catalog_import")
    messages.success(
        request,
        _("Import klaar: %(new)s, %(matched)s, %(copies)s, %(rejected)d afgewezen.")
        % {
            "new": ngettext("%(n)d nieuwe titel", "%(n)d nieuwe titels", outcome.new) % {"n": outcome.new},
            "matched": ngettext("%(n)d bekende titel", "%(n)d bekende titels", outcome.matched)
            % {"n": outcome.matched},
            "copies": ngettext("%(n)d exemplaar", "%(n)d exemplaren", outcome.copies) % {"n": outcome.copies},
            "rejected": outcome.rejected,
        },
    )
    return redirect(reverse("client:catalog_search") + "?q=")


@managers
@require_POST
def import_cancel(request: ClientRequest) -> HttpResponse:
    import_drafts.discard_draft(request.session)
    messages.info(request, _("Import geannuleerd; er is niets veranderd."))
    return redirect("client:catalog_import")


# ---------------------------------------------------------------------------------------------- stocktake


@managers
def stocktake_list(request: ClientRequest) -> HttpResponse:
    form = StocktakeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        stocktake = services.start_stocktake(school=request.school, shelf=form.cleaned_data["shelf"], by=request.user)
        return redirect("client:catalog_stocktake", stocktake.pk)
    stocktakes = Stocktake.objects.for_school(request.school)[:30]
    shelves = (
        Copy.objects.for_school(request.school)
        .exclude(shelf="")
        .values_list("shelf", flat=True)
        .distinct()
        .order_by("shelf")[:200]
    )
    return render(
        request, "client/catalog/stocktakes.html", {"form": form, "stocktakes": stocktakes, "shelves": shelves}
    )


@managers
def stocktake_detail(request: ClientRequest, pk: int) -> HttpResponse:
    stocktake = get_object_or_404(Stocktake.objects.for_school(request.school), pk=pk)
    form = StocktakeScanForm(request.POST or None)
    last = None
    if request.method == "POST" and form.is_valid():
        try:
            last = services.scan_for_stocktake(stocktake=stocktake, barcode=form.cleaned_data["barcode"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            level = messages.SUCCESS if last.kind == "ok" else messages.WARNING
            messages.add_message(request, level, last.message)
        return redirect("client:catalog_stocktake", stocktake.pk)
    report = services.stocktake_report(stocktake)
    return render(
        request,
        "client/catalog/stocktake.html",
        {
            "stocktake": stocktake,
            "form": StocktakeScanForm(),
            "report": report,
            "can_manage": request.user.can_manage_school,
            "missing_barcodes": ",".join(copy.barcode for copy in report.missing[:MAX_LABELS]),
        },
    )


@managers
@require_POST
def stocktake_mark_lost(request: ClientRequest, pk: int) -> HttpResponse:
    stocktake = get_object_or_404(Stocktake.objects.for_school(request.school), pk=pk)
    count = services.mark_missing_lost(stocktake=stocktake, by=request.user)
    messages.success(
        request,
        ngettext("%(n)d exemplaar als vermist gemeld.", "%(n)d exemplaren als vermist gemeld.", count) % {"n": count},
    )
    return redirect("client:catalog_stocktake", stocktake.pk)


@managers
@require_POST
def stocktake_finish(request: ClientRequest, pk: int) -> HttpResponse:
    stocktake = get_object_or_404(Stocktake.objects.for_school(request.school), pk=pk)
    services.finish_stocktake(stocktake=stocktake, by=request.user)
    messages.success(request, _("Inventarisatie afgesloten."))
    return redirect("client:catalog_stocktake", stocktake.pk)
