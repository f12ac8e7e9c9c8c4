"""Read models of patrons for the client's pages: the patron list with its filters, the desk's name search."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from mediatheek.core.params import int_or_none, search_words
from mediatheek.patrons import services
from mediatheek.patrons.forms import current_groups
from mediatheek.patrons.models import Group, Patron

if TYPE_CHECKING:
    from mediatheek.schools.models import School

PAGE_SIZE = 100
DESK_MATCHES = 25


@dataclass(frozen=True)
class PatronFilters:
    """The patron list's parameters as the URL gives them (`?q=&groep=&status=&soort=&pagina=`)."""

    query: str = ""
    group_id: str = ""
    status: str = Patron.Status.ACTIVE
    kind: str = ""
    page: str | None = None

    @classmethod
    def of(cls, params: Mapping[str, str]) -> PatronFilters:
        return cls(
            query=params.get("q", "").strip(),
            group_id=params.get("groep", ""),
            status=params.get("status", Patron.Status.ACTIVE),
            kind=params.get("soort", ""),
            page=params.get("pagina"),
        )


@dataclass(frozen=True)
class PatronList:
    """One page of the school's patrons. `exact`: the one patron whose card number was searched for (the list then
    opens that patron at once, as a scanned card should)."""

    page: Page[Patron] | None
    groups: QuerySet[Group]
    group: Group | None
    exact: Patron | None = None


def name_match(query: str, *, with_student_number: bool) -> Q:
    """Every word must match a part of the name; a whole query may also be a card number or a group.
    Student numbers only for those who see them (volunteers do not, so they cannot search on them either)."""
    names = Q()
    for word in search_words(query):
        names &= Q(first_name__icontains=word) | Q(name_prefix__icontains=word) | Q(last_name__icontains=word)
    match = names | Q(card_number__iexact=query) | Q(group__name__iexact=query)
    if with_student_number:
        match |= Q(student_number=query)
    return match


def patron_list(school: School, filters: PatronFilters, *, with_student_numbers: bool) -> PatronList:
    groups = current_groups(school)
    group_pk = int_or_none(filters.group_id)
    group = groups.filter(pk=group_pk).first() if group_pk is not None else None
    if filters.query and not filters.group_id and filters.page is None:
        exact = Patron.objects.for_school(school).filter(card_number__iexact=filters.query).first()
        if exact is not None:
            return PatronList(page=None, groups=groups, group=group, exact=exact)
    patrons = Patron.objects.for_school(school).select_related("group")
    if filters.status in Patron.Status.values:
        patrons = patrons.filter(status=filters.status)
    if filters.kind in Patron.Kind.values:
        patrons = patrons.filter(kind=filters.kind)
    if filters.query:
        patrons = patrons.filter(name_match(filters.query, with_student_number=with_student_numbers))
    if group_pk is not None:
        patrons = patrons.filter(group_id=group_pk)
    page = Paginator(patrons, PAGE_SIZE).get_page(filters.page)
    return PatronList(page=page, groups=groups, group=group)


def desk_name_search(school: School, query: str) -> list[Patron]:
    """The desk's start screen: active patrons whose first or last name contains the words typed."""
    if not query:
        return []
    patrons = Patron.objects.for_school(school).filter(status=Patron.Status.ACTIVE)
    found = patrons.filter(Q(last_name__icontains=query) | Q(first_name__icontains=query))
    return list(found.select_related("group")[:DESK_MATCHES])


@dataclass(frozen=True)
class LettersPreview:
    """The confirmation page of portal login letters: who gets one, who has a login already (its password will be
    reset), and who is skipped because their card number is another account's login."""

    patrons: list[Patron]
    with_login: int
    skipped: list[Patron]

    @property
    def skipped_message(self) -> str:
        return services.PortalLogins(conflicts=self.skipped).conflict_message()


def letters_preview(students: QuerySet[Patron]) -> LettersPreview:
    patrons = list(students)
    conflicts = services.login_conflicts(patrons)
    return LettersPreview(
        patrons=patrons,
        with_login=students.filter(account__isnull=False).count(),
        skipped=[patron for patron in patrons if patron.pk in conflicts],
    )
