"""Leestips and weetjes: written in the client by the school's admin or library staff, shown on the portal."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.core.errors import DomainError
from mediatheek.reading.forms import content_form_class
from mediatheek.reading.models import PortalContent, PortalContentQuerySet
from mediatheek.reading.services import CONTENT_MODELS, delete_content, save_content
from mediatheek.web.files import image_response
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest


def _model(kind: str) -> type[PortalContent]:
    model = CONTENT_MODELS.get(kind)
    if model is None:
        raise Http404
    return model


def _editable(request: ClientRequest, kind: str) -> PortalContentQuerySet:
    return _model(kind).objects.editable_for(request.school, library_wide=request.user.is_library_staff)


@managers
def content_list(request: ClientRequest) -> HttpResponse:
    lists = {
        kind: list(_editable(request, kind).select_related("school").prefetch_related("titles"))
        for kind in CONTENT_MODELS
    }
    return render(request, "client/content/list.html", {"tips": lists["leestips"], "facts": lists["weetjes"]})


@managers
def content_edit(request: ClientRequest, kind: str, pk: int | None = None) -> HttpResponse:
    model = _model(kind)
    item = get_object_or_404(_editable(request, kind), pk=pk) if pk is not None else model()
    form_class = content_form_class(model)
    form = form_class(
        request.POST or None,
        request.FILES or None,
        instance=item,
        may_be_library_wide=request.user.is_library_staff,
        picture_url=reverse("client:content_picture", args=[kind, item.pk]) if item.pk else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_content(
                item=form.save(commit=False),
                titles=form.cleaned_data["title_refs"],
                by=request.user,
                school=request.school,
                library_wide=bool(form.cleaned_data.get("library_wide")),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Opgeslagen. Het staat op het portaal vanaf de gekozen datum."))
            return redirect("client:content_list")
    label = _("leestip") if kind == "leestips" else _("weetje")
    return render(request, "client/content/edit.html", {"form": form, "item": item, "kind": kind, "label": label})


@managers
def content_picture(request: ClientRequest, kind: str, pk: int) -> HttpResponse:
    """The picture of a leestip or weetje this user may edit (published or not)."""
    return image_response(get_object_or_404(_editable(request, kind), pk=pk).picture)


@require_POST
@managers
def content_delete(request: ClientRequest, kind: str, pk: int) -> HttpResponse:
    item = get_object_or_404(_editable(request, kind), pk=pk)
    try:
        delete_content(item=item, by=request.user, school=request.school)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Verwijderd."))
    return redirect("client:content_list")
