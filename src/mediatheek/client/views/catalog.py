"""The catalogue in the client: search, a title and its copies, fast entry by ISBN, adding copies, withdrawal.

Titles are shared by the whole library; copies belong to a school, and a client user only ever sees and changes
the copies of the school being worked on (request.school). Volunteers only look titles up (search, a title's
page); every change to the catalogue is for library staff and school admins (`managers`), and a shared title
only for those catalog.services.may_edit_title allows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mediatheek.catalog import queries, services
from mediatheek.catalog.forms import BarcodeSeriesForm, CopyScanForm, IsbnScanForm, TitleForm, WithdrawForm
from mediatheek.catalog.models import AVI_LEVELS, AgeCode, Copy, Title
from mediatheek.catalog.search import GONE
from mediatheek.circulation import queries as circulation_queries
from mediatheek.client.views import scanning
from mediatheek.core.errors import DomainError
from mediatheek.web.permissions import desk, managers
from mediatheek.web.requests import ClientRequest

COPY_FIELDS_KEY = "catalog_copy_defaults"
ADDED_COPIES_KEY = "catalog_added_copies"  # ids of the copies just added at this desk, newest first
ADDED_COPIES_KEPT = 50


@desk
def catalog_search(request: ClientRequest) -> HttpResponse:
    """Search by title, author, ISBN, series or subject; a scanned copy barcode opens its title."""
    params = queries.SearchParams.of(request.GET)
    title_id = queries.copy_title_id(request.school, params.query)
    if title_id is not None:
        return redirect("client:catalog_title", title_id)
    found = queries.search_page(request.school, params)
    return render(
        request,
        "client/catalog/search.html",
        {
            "q": params.query,
            "scope": params.scope,
            "filters": params.filters,
            "results": found.results,
            "rows": circulation_queries.title_rows(found.results.titles, request.school),
            "page_number": params.page_number,
            "pages": found.pages,
            "age_codes": AgeCode.choices,
            "avi_levels": AVI_LEVELS,
            "can_manage": request.user.can_manage_school,
        },
    )


@desk
def title_detail(request: ClientRequest, pk: int) -> HttpResponse:
    title = get_object_or_404(Title, pk=pk)
    copies = Copy.objects.for_school(request.school).filter(title=title).order_by("barcode")
    held_elsewhere = Copy.objects.filter(title=title).exclude(school=request.school).exclude(status__in=GONE).count()
    return render(
        request,
        "client/catalog/title.html",
        {
            "title": title,
            "copies": copies,
            "held_elsewhere": held_elsewhere,
            "copy_form": CopyScanForm(initial=request.session.get(COPY_FIELDS_KEY, {})),
            "added": queries.added_copies(request.school, title, request.session.get(ADDED_COPIES_KEY, [])),
            "queue": circulation_queries.title_queue(title, request.school),
            "withdraw_form": WithdrawForm(),
            "can_manage": request.user.can_manage_school,
            "can_edit_title": services.may_edit_title(request.user, title),
            "statuses": [
                (Copy.Status.AVAILABLE, _("terug op de plank")),
                (Copy.Status.DAMAGED, _("beschadigd")),
                (Copy.Status.LOST, _("vermist")),
            ],
        },
    )


@managers
def fast_entry(request: ClientRequest) -> HttpResponse:
    """Scan an ISBN: a known title goes straight to adding copies, an unknown one to the title form."""
    form = IsbnScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        isbn = form.cleaned_data["isbn"]
        title = Title.objects.filter(isbn=isbn).first()
        if title is not None:
            messages.info(
                request,
                _("%(title)s staat al in de catalogus. Scan nu de exemplaren.") % {"title": title.title},
            )
            return redirect("client:catalog_title", title.pk)
        return redirect(reverse("client:catalog_title_add") + f"?isbn={isbn}")
    recent = Copy.objects.for_school(request.school).select_related("title").order_by("-created_at", "-pk")[:10]
    return render(request, "client/catalog/entry.html", {"form": form, "recent": recent})


@managers
def title_add(request: ClientRequest) -> HttpResponse:
    form = TitleForm(request.POST or None, request.FILES or None, initial={"isbn": request.GET.get("isbn", "")})
    if request.method == "POST" and form.is_valid():
        try:
            title = services.create_title(data=form.service_data(), by=request.user, school=request.school)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Titel toegevoegd. Scan nu de exemplaren."))
            return redirect("client:catalog_title", title.pk)
    _focus_first_to_fill(form)
    return render(request, "client/catalog/title_form.html", {"form": form, "title": None})


def _focus_first_to_fill(form: TitleForm) -> None:
    """The cursor starts where there is something to do: the first field with an error, else (a new title, the ISBN
    just scanned) the first required field still empty. `autofocus` works without JS too."""
    if form.is_bound:
        first = next((name for name in form.fields if name in form.errors), None)
    elif form.instance.pk is None:
        first = next((name for name, field in form.fields.items() if field.required and not form[name].value()), None)
    else:
        first = None
    if first is not None:
        form.fields[first].widget.attrs["autofocus"] = True


@managers
def title_edit(request: ClientRequest, pk: int) -> HttpResponse:
    """A shared title: library staff change any; a school admin one their school holds (see may_edit_title)."""
    title = get_object_or_404(Title, pk=pk)
    if not services.may_edit_title(request.user, title):
        raise PermissionDenied
    form = TitleForm(request.POST or None, request.FILES or None, instance=title)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_title(title, data=form.service_data(), by=request.user, school=request.school)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Titel bewaard."))
            return redirect("client:catalog_title", title.pk)
    _focus_first_to_fill(form)
    return render(request, "client/catalog/title_form.html", {"form": form, "title": title})


@managers
@require_POST
def copy_add(request: ClientRequest, pk: int) -> HttpResponse:
    """One scan adds one copy of the title to this school; shelf, date and price carry over to the next scan.

    htmx (the scan field stays, requests are queued, see catalog.js): the answer is the scan's result and, out of
    band, a row for the list of added copies. Without JS: a message and back to the field (autofocus).
    """
    title = get_object_or_404(Title, pk=pk)
    form = CopyScanForm(request.POST)
    copy, error = None, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            copy = services.add_copy(
                title=title,
                school=request.school,
                barcode=data["barcode"],
                shelf=data["shelf"],
                acquired_on=data["acquired_on"],
                price=data["price"],
                by=request.user,
            )
        except DomainError as failure:
            error = str(failure)
        _remember_copy_fields(request, data, copy)
    else:
        error = _form_problem(form)
    if scanning.is_htmx(request):
        added = queries.added_copies(request.school, title, [copy.pk]) if copy else []
        context = {"added": added[0] if added else None, "copy": copy, "error": error, "title": title}
        return render(request, "client/catalog/_copy_scan_result.html", context)
    if copy is not None:
        messages.success(request, _("Exemplaar %(barcode)s toegevoegd.") % {"barcode": copy.barcode})
    else:
        messages.error(request, error)
    # No #fragment: with one, browsers skip the autofocus that puts the cursor back in the scan field.
    return redirect("client:catalog_title", title.pk)


def _remember_copy_fields(request: ClientRequest, data: dict[str, Any], copy: Copy | None) -> None:
    """Keep shelf, date and price for the next scan (the page without JS is rebuilt) and the copies just added."""
    request.session[COPY_FIELDS_KEY] = {
        "shelf": data["shelf"],
        "acquired_on": data["acquired_on"].isoformat() if data["acquired_on"] else "",
        "price": str(data["price"]) if data["price"] is not None else "",
    }
    if copy is not None:
        added = [copy.pk, *request.session.get(ADDED_COPIES_KEY, [])][:ADDED_COPIES_KEPT]
        request.session[ADDED_COPIES_KEY] = added


def _form_problem(form: CopyScanForm) -> str:
    problems = [f"{form.fields[name].label}: {errors[0]}" for name, errors in form.errors.items() if errors]
    return _("Controleer de gegevens van het exemplaar.") + (" " + " ".join(problems) if problems else "")


@managers
@require_POST
def copy_status(request: ClientRequest, pk: int) -> HttpResponse:
    copy = get_object_or_404(Copy.objects.for_school(request.school), pk=pk)
    try:
        services.set_copy_status(copy=copy, status=request.POST.get("status", ""), by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Status van %(barcode)s aangepast.") % {"barcode": copy.barcode})
    return redirect("client:catalog_title", copy.title_id)


@managers
def withdraw(request: ClientRequest) -> HttpResponse:
    """Afschrijven: the copies ticked on a title's page, or scanned here, with one reason."""
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = queries.withdraw_selection(request.school, request.POST.getlist("copy"), data["barcodes"])
        withdrawn = _withdraw(request, chosen, data["reason"])
        back = request.POST.get("next", "")
        if back.startswith("/client/"):
            return redirect(back)
        if withdrawn:
            return redirect("client:catalog_withdraw")
    context = {"form": form, "recent": queries.recent_withdrawals(request.school)}
    return render(request, "client/catalog/withdraw.html", context)


def _withdraw(request: ClientRequest, chosen: queries.WithdrawSelection, reason: str) -> bool:
    """Withdraw the chosen copies, or say why not (nothing chosen, a barcode not found, a lent copy)."""
    if chosen.not_found:
        not_found = ", ".join(chosen.not_found)
        messages.error(request, _("Niet gevonden bij deze school: %(barcodes)s") % {"barcodes": not_found})
        return False
    if not chosen.copies:
        messages.error(request, _("Kies of scan de exemplaren die u wilt afschrijven."))
        return False
    try:
        count = services.withdraw_copies(school=request.school, copies=chosen.copies, reason=reason, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(
        request, ngettext("%(n)d exemplaar afgeschreven.", "%(n)d exemplaren afgeschreven.", count) % {"n": count}
    )
    return True


@managers
def barcode_series(request: ClientRequest) -> HttpResponse:
    """The school's own barcode series for new copies (coordinator or library staff); changes are audited."""
    current = queries.barcode_settings(request.school)
    initial = {"series_prefix": current.prefix, "width": current.width, "next_number": current.next_number}
    form = BarcodeSeriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_barcode_series(
                school=request.school,
                prefix=data["series_prefix"],
                width=data["width"],
                next_number=data["next_number"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Barcodereeks bewaard."))
            return redirect("client:catalog_barcodes")
    return render(request, "client/catalog/barcodes.html", {"form": form, "current": current})


@managers
@require_POST
def barcode_series_clear(request: ClientRequest) -> HttpResponse:
    services.clear_barcode_series(school=request.school, by=request.user)
    messages.success(request, _("Nieuwe exemplaren krijgen weer de standaardbarcode."))
    return redirect("client:catalog_barcodes")


@managers
def shelf_overview(request: ClientRequest) -> HttpResponse:
    """The school's collection per shelf and status: what stocktakes and labels are chosen from."""
    copies = Copy.objects.for_school(request.school)
    shelves = (
        copies.values("shelf")
        .annotate(
            total=Count("id"),
            available=Count("id", filter=Q(status=Copy.Status.AVAILABLE)),
            lent=Count("id", filter=Q(status=Copy.Status.LENT)),
            gone=Count("id", filter=Q(status__in=GONE)),
        )
        .order_by("shelf")
    )
    page = Paginator(list(shelves), 100).get_page(request.GET.get("pagina"))
    return render(request, "client/catalog/shelves.html", {"page": page})
