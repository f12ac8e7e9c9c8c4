from __future__ import annotations

import pytest

from mediatheek.core.models import AuditEvent
from mediatheek.schools.models import Library, School
from mediatheek.schools.services import save_school

pytestmark = pytest.mark.django_db


def test_a_school_saved_in_the_client_belongs_to_the_library_and_is_audited(staff_user):
    school = save_school(school=School(code="33CC00", name="OBS Gamma", slug="gamma"), by=staff_user)
    assert school.library == Library.get_default()
    school.name = "OBS Gamma-West"
    save_school(school=school, by=staff_user)
    actions = list(AuditEvent.objects.filter(school=school).order_by("id").values_list("action", flat=True))
    assert actions == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]
