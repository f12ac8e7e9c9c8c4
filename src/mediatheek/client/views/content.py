"""Leestips and weetjes: written in the client by the school's admin or library staff, shown on the portal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mediatheek.catalog.models import Title
from mediatheek.catalog.search import search_titles
from mediatheek.core.errors import DomainError
from mediatheek.core.params import search_words
from mediatheek.reading.forms import PICKER_ACTIONS, content_form_class, redisplay
from mediatheek.reading.markdown import render_markdown
from mediatheek.reading.models import PortalContent, PortalContentQuerySet
from mediatheek.reading.services import CONTENT_MODELS, delete_content, save_content
from mediatheek.web.files import image_response
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

SUGGESTIONS = 10


def search_text(value: str) -> str:
    """What was typed in the book search, bounded as every search box is."""
    return " ".join(search_words(value))


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
    options: dict[str, Any] = {
        "instance": item,
        "may_be_library_wide": request.user.is_library_staff,
        "picture_url": reverse("client:content_picture", args=[kind, item.pk]) if item.pk else "",
    }
    # A button of the book search or the preview (without JavaScript): the editor again, nothing saved.
    action = next((name for name in PICKER_ACTIONS if name in request.POST), "")
    if action:
        form = redisplay(form_class, request.POST, **options)
    else:
        form = form_class(request.POST or None, request.FILES or None, **options)
    if request.method == "POST" and not action and form.is_valid():
        try:
            save_content(
                item=form.save(commit=False),
                titles=form.cleaned_data["titles"],
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
    title_q = search_text(request.POST.get("title_q", "")) if action == "search_titles" else ""
    context = {
        "form": form,
        "item": item,
        "kind": kind,
        "label": label,
        "title_q": title_q,
        "suggestions": _suggestions(request, title_q),
        "preview": render_markdown(request.POST.get("body", "")) if action == "preview" else None,
    }
    return render(request, "client/content/edit.html", context)


def _suggestions(request: ClientRequest, query: str) -> list[Title]:
    """Books of the school's catalogue for the editor's book search: the same search as the catalogue's."""
    if not query:
        return []
    return search_titles(query, school=request.school, limit=SUGGESTIONS).titles


@managers
@require_GET
def content_titles(request: ClientRequest) -> HttpResponse:
    """The book search's suggestions while typing (htmx): a list of books, each with an add button."""
    title_q = search_text(request.GET.get("title_q", ""))
    context = {"suggestions": _suggestions(request, title_q), "title_q": title_q}
    return render(request, "client/content/_title_suggestions.html", context)


@managers
@require_POST
def content_preview(request: ClientRequest) -> HttpResponse:
    """The text as the portal will show it (htmx): the portal's own Markdown renderer."""
    return render(request, "client/content/_preview.html", {"preview": render_markdown(request.POST.get("body", ""))})


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
