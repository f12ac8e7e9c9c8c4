from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from mediatheek.schools.forms import SchoolForm
from mediatheek.schools.models import School
from mediatheek.schools.services import save_school
from mediatheek.web.permissions import staff_only, switch_school
from mediatheek.web.requests import ClientRequest


@staff_only
def school_list(request: ClientRequest) -> HttpResponse:
    return render(request, "client/schools/list.html", {"schools": School.objects.order_by("name")})


@staff_only
def school_edit(request: ClientRequest, pk: int | None = None) -> HttpResponse:
    school = get_object_or_404(School, pk=pk) if pk else None
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        if school is None and request.school is not None:
            # Without a chosen school the client works on the first one by name: a new school that sorts first
            # would silently become the current one. Keep working on the school in use.
            switch_school(request, request.school)
        instance = save_school(school=form.save(commit=False), by=request.user, request=request)
        messages.success(request, _("School %(name)s is opgeslagen.") % {"name": instance.name})
        return redirect("client:school_list")
    return render(request, "client/schools/edit.html", {"form": form, "school": school})
