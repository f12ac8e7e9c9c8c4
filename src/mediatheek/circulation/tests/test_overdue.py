import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mediatheek.circulation import services
from mediatheek.circulation.overdue import overdue_by_group, overdue_loans, overdue_rows_by_group
from mediatheek.testing.factories import CopyFactory, GroupFactory, LoanFactory, PatronFactory


def late_loan(school, patron, days=5, title="Kikker is kikker"):
    copy = CopyFactory(school=school, title__title=title)
    return LoanFactory(copy=copy, patron=patron, due_date=timezone.localdate() - dt.timedelta(days=days))


@pytest.mark.django_db
def test_overdue_loans_per_group_of_this_school_only(school_a, school_b):
    group = GroupFactory(school=school_a, name="Groep 7B")
    pupil = PatronFactory(school=school_a, group=group)
    late_loan(school_a, pupil)
    LoanFactory(copy=CopyFactory(school=school_a), patron=pupil)  # not late
    late_loan(school_b, PatronFactory(school=school_b))
    returned = late_loan(school_a, pupil)
    returned.returned_at = timezone.now()
    returned.save()
    assert overdue_loans(school_a).count() == 1
    [(got_group, loans)] = overdue_by_group(school_a)
    assert got_group == group and loans[0].patron == pupil


@pytest.mark.django_db
def test_the_screens_rows_say_how_many_days_each_loan_is_late(school_a):
    group = GroupFactory(school=school_a, name="Groep 7B")
    loan = late_loan(school_a, PatronFactory(school=school_a, group=group), days=9)
    [(got_group, rows)] = overdue_rows_by_group(school_a)
    assert got_group == group
    assert [(row.loan, row.days_late) for row in rows] == [(loan, 9)]


@pytest.mark.django_db
def test_reminder_mail_once_per_interval_and_only_with_an_address(school_a):
    with_mail = PatronFactory(school=school_a, email="sanne@example.nl", first_name="Sanne")
    without = PatronFactory(school=school_a, email="")
    late_loan(school_a, with_mail, title="De Gruffalo")
    late_loan(school_a, with_mail, title="Dolfje Weerwolfje")
    late_loan(school_a, without)
    result = services.send_overdue_reminders(school=school_a)
    assert result.sent == [with_mail] and result.without_email == [without]
    [message] = mail.outbox
    assert message.to == ["sanne@example.nl"]
    assert "De Gruffalo" in message.body and "Dolfje Weerwolfje" in message.body and "Sanne" in message.body
    assert message.reply_to == [school_a.contact_email]
    again = services.send_overdue_reminders(school=school_a)
    assert again.sent == [] and again.skipped_recent == [with_mail] and len(mail.outbox) == 1


@pytest.mark.django_db
def test_reminder_dry_run_sends_nothing(school_a):
    late_loan(school_a, PatronFactory(school=school_a, email="a@example.nl"))
    result = services.send_overdue_reminders(school=school_a, dry_run=True)
    assert len(result.sent) == 1 and mail.outbox == []


@pytest.mark.django_db
def test_send_overdue_reminders_command(school_a, school_b, capsys):
    late_loan(school_a, PatronFactory(school=school_a, email="a@example.nl"))
    late_loan(school_b, PatronFactory(school=school_b, email="b@example.nl"))
    call_command("send_overdue_reminders", "--school", school_a.code, "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["schools"] == {school_a.code: {"sent": 1, "skipped_recent": 0, "without_email": 0, "failed": 0}}
    assert [m.to for m in mail.outbox] == [["a@example.nl"]]
    call_command("send_overdue_reminders")
    assert len(mail.outbox) == 2  # school B now; school A was reminded already
