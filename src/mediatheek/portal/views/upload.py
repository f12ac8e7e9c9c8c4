"""Upload leerlingbestand: the school's uploader sends its student file to the library."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from mediatheek.accounts.models import Role
from mediatheek.core import exports
from mediatheek.core.errors import DomainError
from mediatheek.portal.access import portal_login_required, portal_view
from mediatheek.portal.forms import PortalStudentFileForm
from mediatheek.uploads import services
from mediatheek.uploads.handlers import upload_refusal, use_memory_handler
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.queries import upload_check
from mediatheek.web.requests import PortalLoginRequest

uploader_only = portal_login_required([Role.UPLOADER])


@csrf_exempt  # only so the upload handler can be swapped first; the inner view is csrf_protect-ed
@portal_view
@uploader_only
def upload(request: PortalLoginRequest) -> HttpResponse:
    use_memory_handler(request)
    return _upload(request)


@csrf_protect
def _upload(request: PortalLoginRequest) -> HttpResponse:
    school = request.school
    form = PortalStudentFileForm(request.POST or None, request.FILES or None, refusal=upload_refusal(request))
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            received = services.receive_upload(
                school=school,
                filename=uploaded.name or "",
                data=uploaded.read(settings.STUDENT_FILE_MAX_BYTES + 1),
                by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            return redirect("portal:upload_done", slug=school.slug, pk=received.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portal/upload.html",
        {
            "form": form,
            "uploads": StudentUpload.objects.for_school(school)[:20],
            "max_size": settings.STUDENT_FILE_MAX_BYTES,
        },
        status=status,
    )


@portal_view
@uploader_only
def upload_done(request: PortalLoginRequest, pk: int) -> HttpResponse:
    received = get_object_or_404(StudentUpload.objects.for_school(request.school), pk=pk)
    return render(request, "portal/upload_done.html", {"upload": received, "check": upload_check(received)})


EXAMPLE_HEADER = ["Leerlingnummer", "Roepnaam", "Voorvoegsel", "Achternaam", "Groep", "Jaargroep", "Geboortedatum"]
EXAMPLE_ROWS = [
    ["100234", "Sanne", "van den", "Berg", "Groep 5B", 5, dt.date(2017, 3, 14)],
    ["100235", "Daan", "", "Jansen", "Groep 5B", 5, dt.date(2016, 11, 2)],
    ["100241", "Zoë", "de", "Vries", "Groep 3A", 3, dt.date(2019, 1, 23)],
    ["100250", "Mohamed", "", "El Amrani", "Groep 8", 8, dt.date(2014, 6, 30)],
]


@portal_view
@uploader_only
def example_file(request: PortalLoginRequest) -> HttpResponse:
    """An example student file made by the product: the columns the import reads, with made-up pupils."""
    content = exports.xlsx_bytes({_("Leerlingen"): (EXAMPLE_HEADER, EXAMPLE_ROWS)})
    return exports.download(content, "voorbeeld-leerlingbestand.xlsx", exports.XLSX)
