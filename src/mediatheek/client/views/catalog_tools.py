"""Catalogue tools in the client: labels, export, record import (upload → preview → apply), stocktake."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mediatheek.catalog import services
from mediatheek.catalog.exports import export_catalogue
from mediatheek.catalog.forms import (
    ImportUploadForm,
    LabelsForm,
    StocktakeScanForm,
    StocktakeStartForm,
    mapping_choices,
)
from mediatheek.catalog.importing import apply_import, plan_import
from mediatheek.catalog.labels import labels_pdf
from mediatheek.catalog.models import Copy, Stocktake
from mediatheek.catalog.records import FileRefused, read_file
from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.core.exports import CSV, XLSX, download
from mediatheek.uploads.handlers import upload_refusal, use_memory_handler
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

MAX_IMPORT_BYTES = 50 * 1024 * 1024
IMPORT_SESSION_KEY = "catalog_import"
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


def _import_dir() -> Path:
    folder = Path(getattr(settings, "CATALOG_IMPORT_DIR", settings.DATA_DIR / "catalog-imports"))
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 24 * 3600
    for old in folder.glob("*.bin"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def _pending(request: ClientRequest) -> tuple[dict[str, str], Path]:
    """The uploaded file this user is importing for this school, or 404."""
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if not pending or pending.get("school") != request.school.pk:
        raise Http404
    path = _import_dir() / f"{pending['token']}.bin"
    if not path.exists():
        raise Http404
    return pending, path


@csrf_exempt  # only so the upload handler can be swapped first; the inner view is csrf_protect-ed
@managers
def import_upload(request: ClientRequest) -> HttpResponse:
    # One file, in the field "file", of at most MAX_IMPORT_BYTES: nothing else is read or buffered.
    use_memory_handler(request, field_names=("file",), max_bytes=MAX_IMPORT_BYTES)
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
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("Het bestand is te groot (meer dan 50 MB)."))
        else:
            content = upload.read()
            try:
                read_file(content)
            except FileRefused as error:
                form.add_error("file", str(error))
            else:
                token = secrets.token_urlsafe(16)
                (_import_dir() / f"{token}.bin").write_bytes(content)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "school": request.school.pk,
                    "name": upload.name[:100],
                    "with_copies": bool(form.cleaned_data["with_copies"]),
                }
                audit.record(
                    "catalog.import_upload",
                    actor=request.user,
                    school=request.school,
                    summary=upload.name[:100],
                    request=request,
                )
                return redirect("client:catalog_import_preview")
    return render(request, "client/catalog/import_upload.html", {"form": form})


def _mapping_from_post(request: ClientRequest, columns: list[str]) -> dict[str, str] | None:
    if "mapping" not in request.POST:
        return None
    mapping = {}
    for index, column in enumerate(columns):
        value = request.POST.get(f"col{index}", "")
        if value:
            mapping[column] = value
    return mapping


@managers
def import_preview(request: ClientRequest) -> HttpResponse:
    pending, path = _pending(request)
    content = path.read_bytes()
    with_copies = bool(pending.get("with_copies"))
    mapping: dict[str, str] | None = pending.get("mapping")  # type: ignore[assignment]
    try:
        read = read_file(content, mapping)
        if request.method == "POST" and "mapping" in request.POST:
            mapping = _mapping_from_post(request, read.columns)
            with_copies = request.POST.get("with_copies") == "on"
            read = read_file(content, mapping)
    except FileRefused as error:
        messages.error(request, str(error))
        if mapping is not None:
            pending.pop("mapping", None)
            request.session[IMPORT_SESSION_KEY] = pending
        return redirect("client:catalog_import")
    pending["mapping"] = read.mapping if read.columns else None  # type: ignore[assignment]
    pending["with_copies"] = with_copies  # type: ignore[assignment]
    request.session[IMPORT_SESSION_KEY] = pending
    plan = plan_import(read, school=request.school, with_copies=with_copies)
    if request.method == "POST" and "apply" in request.POST:
        outcome = apply_import(plan, school=request.school, by=request.user, filename=pending["name"])
        path.unlink(missing_ok=True)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(
            request,
            _(
                "Import klaar: %(new)d nieuwe titels, %(matched)d bekende titels, %(copies)d exemplaren, "
                "%(rejected)d afgewezen."
            )
            % {"new": outcome.new, "matched": outcome.matched, "copies": outcome.copies, "rejected": outcome.rejected},
        )
        return redirect(reverse("client:catalog_search") + "?q=")
    columns = [(index, column, (read.mapping or {}).get(column, "")) for index, column in enumerate(read.columns)]
    return render(
        request,
        "client/catalog/import_preview.html",
        {
            "plan": plan,
            "name": pending["name"],
            "columns": columns,
            "choices": mapping_choices(),
            "with_copies": with_copies,
            "shown": plan.records[:500],
        },
    )


@managers
@require_POST
def import_cancel(request: ClientRequest) -> HttpResponse:
    pending = request.session.pop(IMPORT_SESSION_KEY, None) or {}
    if pending.get("token"):
        (_import_dir() / f"{pending['token']}.bin").unlink(missing_ok=True)
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
    messages.success(request, _("%(n)d exemplaren als vermist gemeld.") % {"n": count})
    return redirect("client:catalog_stocktake", stocktake.pk)


@managers
@require_POST
def stocktake_finish(request: ClientRequest, pk: int) -> HttpResponse:
    stocktake = get_object_or_404(Stocktake.objects.for_school(request.school), pk=pk)
    services.finish_stocktake(stocktake=stocktake, by=request.user)
    messages.success(request, _("Inventarisatie afgesloten."))
    return redirect("client:catalog_stocktake", stocktake.pk)
