import pytest
from django.core.management import CommandError, call_command

from mediatheek.schools.models import School


@pytest.mark.django_db
def test_add_school():
    call_command(
        "add_school",
        "12ab00",
        "OBS De Regenboog",
        "--slug",
        "regenboog",
        "--contact-email",
        "bieb@example.nl",
    )
    school = School.objects.get(code="12AB00")
    assert (school.name, school.slug, school.contact_email) == (
        "OBS De Regenboog",
        "regenboog",
        "bieb@example.nl",
    )
    assert school.brin == "12AB" and school.location_number == "00"


@pytest.mark.django_db
def test_add_school_slug_from_name():
    call_command("add_school", "12AB01", "CBS Het Kompas")
    assert School.objects.get(code="12AB01").slug == "cbs-het-kompas"


@pytest.mark.django_db
def test_add_school_duplicate_code():
    call_command("add_school", "12AB00", "A")
    with pytest.raises(CommandError, match="12AB00"):
        call_command("add_school", "12AB00", "B")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["12AB0", "ABCD00", "12AB000"])
def test_add_school_invalid_code(code):
    with pytest.raises(CommandError):
        call_command("add_school", code, "Fout")
    assert not School.objects.exists()


@pytest.mark.django_db
def test_reserved_slug_is_refused():
    with pytest.raises(CommandError):
        call_command("add_school", "12AB00", "Client", "--slug", "client")
