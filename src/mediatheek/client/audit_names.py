"""The audit log's objects in words, per model: one query per model for a whole page (core.audit.rows_in_words).

"vrijwilliger Jan de Vries", "leerling Sanne de Vries (Groep 5B)". Ids that no longer exist are left out: the log
then shows what it stored at the time.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from mediatheek.accounts.models import Role, User
from mediatheek.catalog.models import Copy, Title
from mediatheek.core.audit import Namer
from mediatheek.core.params import int_or_none
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import School


def _pks(ids: set[str]) -> list[int]:
    return [pk for pk in (int_or_none(value) for value in ids) if pk is not None]


def accounts(ids: set[str]) -> dict[str, str]:
    rows = User.objects.filter(pk__in=_pks(ids)).values_list("pk", "role", "first_name", "last_name", "username")
    return {
        str(pk): f"{Role(role).label} {' '.join(p for p in (first, last) if p) or username}"
        for pk, role, first, last, username in rows
    }


def patrons(ids: set[str]) -> dict[str, str]:
    names = {}
    for patron in (
        Patron.objects.filter(pk__in=_pks(ids))
        .select_related("group")
        .only("kind", "first_name", "name_prefix", "last_name", "group__name")
    ):
        name = f"{patron.get_kind_display()} {patron.full_name}"
        names[str(patron.pk)] = f"{name} ({patron.group.name})" if patron.group else name
    return names


def schools(ids: set[str]) -> dict[str, str]:
    rows = School.objects.filter(pk__in=_pks(ids)).values_list("pk", "name", "code")
    return {str(pk): _("school %(name)s (%(code)s)") % {"name": name, "code": code} for pk, name, code in rows}


def titles(ids: set[str]) -> dict[str, str]:
    rows = Title.objects.filter(pk__in=_pks(ids)).values_list("pk", "title")
    return {str(pk): _("titel %(title)s") % {"title": title} for pk, title in rows}


def copies(ids: set[str]) -> dict[str, str]:
    rows = Copy.objects.filter(pk__in=_pks(ids)).values_list("pk", "barcode", "title__title")
    return {
        str(pk): _("exemplaar %(barcode)s (%(title)s)") % {"barcode": barcode, "title": title}
        for pk, barcode, title in rows
    }


NAMERS: Mapping[str, Namer] = {
    "accounts.user": accounts,
    "patrons.patron": patrons,
    "schools.school": schools,
    "catalog.title": titles,
    "catalog.copy": copies,
}
