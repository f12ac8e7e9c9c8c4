import pytest
from django.urls import reverse

from mediatheek.accounts.models import User
from mediatheek.schools.models import School
from mediatheek.testing.isolation import assert_refused


@pytest.mark.django_db
def test_staff_adds_a_school(client, staff_user, school_a):
    client.force_login(staff_user)
    response = client.post(
        reverse("client:school_add"),
        {
            "code": "33cc00",
            "name": "OBS Gamma",
            "slug": "gamma",
            "kind": "primary",
            "contact_email": "",
            "language": "nl",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert School.objects.get(code="33CC00").slug == "gamma"


@pytest.mark.django_db
def test_staff_edits_a_school(client, staff_user, school_a):
    client.force_login(staff_user)
    data = {
        "code": school_a.code,
        "name": "OBS Alfa Nieuw",
        "slug": "alfa",
        "kind": "primary",
        "contact_email": "x@example.nl",
        "language": "nl",
        "active": "on",
    }
    assert client.post(reverse("client:school_edit", args=[school_a.pk]), data).status_code == 302
    school_a.refresh_from_db()
    assert school_a.name == "OBS Alfa Nieuw" and school_a.contact_email == "x@example.nl"


@pytest.mark.django_db
def test_bad_school_code_is_a_form_error(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("client:school_add"),
        {"code": "nope", "name": "X", "slug": "x", "kind": "primary", "language": "nl"},
    )
    assert response.status_code == 200 and "BRIN" in response.content.decode()
    assert not School.objects.exists()


@pytest.mark.django_db
def test_school_admin_cannot_manage_schools(client, admin_a, school_b):
    assert_refused(client, admin_a, reverse("client:school_list"))
    assert_refused(client, admin_a, reverse("client:school_edit", args=[school_b.pk]))


@pytest.mark.django_db
def test_staff_creates_an_uploader_and_sees_the_password_once(client, staff_user, school_a):
    client.force_login(staff_user)
    response = client.post(
        reverse("client:account_add"),
        {"role": "uploader", "login": "700555", "school": school_a.pk},
        follow=True,
    )
    body = response.content.decode()
    user = User.objects.get(username="700555")
    assert user.must_change_password and user.school == school_a
    shown = body.split('data-testid="initial-password">')[1].split("<")[0]
    assert user.check_password(shown)
    assert shown not in client.get(reverse("client:account_list")).content.decode()


@pytest.mark.django_db
def test_school_admin_makes_volunteers_only_for_own_school(client, admin_a, school_b):
    client.force_login(admin_a)
    response = client.post(reverse("client:account_add"), {"role": "staff", "login": "boss"})
    assert response.status_code == 200 and not User.objects.filter(username="boss").exists()
    client.post(reverse("client:account_add"), {"role": "volunteer", "login": "ouder1", "school": school_b.pk})
    assert User.objects.get(username="ouder1").school == admin_a.school


@pytest.mark.django_db
def test_school_admin_cannot_reset_another_schools_account(client, admin_a, admin_b):
    assert_refused(client, admin_a, reverse("client:account_reset_password", args=[admin_b.pk]), method="post")
    admin_b.refresh_from_db()
    assert not admin_b.must_change_password


@pytest.mark.django_db
def test_school_admin_does_not_see_other_schools_accounts(client, admin_a, admin_b):
    client.force_login(admin_a)
    assert admin_b.username not in client.get(reverse("client:account_list")).content.decode()


@pytest.mark.django_db
def test_volunteer_cannot_manage_accounts(client, volunteer_a):
    assert_refused(client, volunteer_a, reverse("client:account_list"))
    assert_refused(client, volunteer_a, reverse("client:account_add"))
