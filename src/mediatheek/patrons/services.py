"""State changes of patrons. Each is atomic and writes its own audit event where it matters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.patrons.cardnumbers import card_number_for
from mediatheek.patrons.models import CardNumberSequence, Patron


def allocate_card_numbers(count: int) -> list[str]:
    """Take `count` fresh card numbers, unique in the library, each with a check digit.

    The sequence row is locked for the rest of the caller's transaction, so two imports never hand out the
    same number; numbers already on a card (typed in by hand) are skipped.
    """
    if count <= 0:
        return []
    with transaction.atomic():
        sequence, _created = CardNumberSequence.objects.select_for_update().get_or_create(pk=1)
        numbers: list[str] = []
        next_value = sequence.last_value
        while len(numbers) < count:
            wanted = count - len(numbers)
            candidates = [card_number_for(value) for value in range(next_value + 1, next_value + 1 + wanted)]
            next_value += wanted
            taken = set(Patron.objects.filter(card_number__in=candidates).values_list("card_number", flat=True))
            numbers.extend(number for number in candidates if number not in taken)
        sequence.last_value = next_value
        sequence.save(update_fields=["last_value"])
    return numbers


@transaction.atomic
def deregister(*, patron: Patron, by: Any = None, on: dt.date | None = None) -> Patron:
    """Deregister: kept with history and open loans, no longer active."""
    if not patron.is_active:
        raise DomainError(_("%(name)s is al uitgeschreven.") % {"name": patron.full_name})
    patron.status = Patron.Status.DEREGISTERED
    patron.deregistered_on = on or timezone.localdate()
    patron.save(update_fields=["status", "deregistered_on", "updated_at"])
    audit.record(audit.AuditEvent.Action.UPDATE, actor=by, school=patron.school, obj=patron, summary="uitgeschreven")
    return patron


@transaction.atomic
def reactivate(*, patron: Patron, by: Any = None) -> Patron:
    if patron.is_active:
        raise DomainError(_("%(name)s is al ingeschreven.") % {"name": patron.full_name})
    patron.status = Patron.Status.ACTIVE
    patron.deregistered_on = None
    patron.save(update_fields=["status", "deregistered_on", "updated_at"])
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        school=patron.school,
        obj=patron,
        summary="weer ingeschreven",
    )
    return patron
