"""Retention per school: a school's own periods apply to its data; a school without them follows the library."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediatheek.circulation.models import Loan
from mediatheek.operations import retention
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f

NOW = timezone.now()


def _returned_loan(school, days_ago):
    return f.LoanFactory(
        copy=f.CopyFactory(school=school),
        checked_out_at=NOW - dt.timedelta(days=days_ago + 14),
        returned_at=NOW - dt.timedelta(days=days_ago),
    )


@pytest.mark.django_db
def test_a_schools_own_loan_history_period_applies_to_its_loans_only(school_a, school_b):
    school_a.library.loan_history_retention_days = 730
    school_a.library.save()
    school_a.loan_history_retention_days = 60
    school_a.save()
    own = _returned_loan(school_a, 90)
    library_default = _returned_loan(school_b, 90)
    retention.run(now=NOW, purge_files=False)
    assert Loan.objects.get(pk=own.pk).patron_id is None
    assert Loan.objects.get(pk=library_default.pk).patron_id is not None


@pytest.mark.django_db
def test_a_schools_own_period_for_leavers_applies_to_its_patrons_only(school_a, school_b):
    school_a.library.deregistered_retention_months = 24
    school_a.library.save()
    school_a.deregistered_retention_months = 1
    school_a.save()
    left = timezone.localdate() - dt.timedelta(days=60)
    own = f.PatronFactory(school=school_a, status="deregistered", deregistered_on=left)
    library_default = f.PatronFactory(school=school_b, status="deregistered", deregistered_on=left)
    retention.run(now=NOW, purge_files=False)
    assert not Patron.objects.filter(pk=own.pk).exists()
    assert Patron.objects.filter(pk=library_default.pk).exists()
