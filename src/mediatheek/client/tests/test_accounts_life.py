"""The accounts pages: edit, new password (asked first), switch off and on, delete, the login letter."""

import pytest
from django.urls import reverse

from mediatheek.accounts.models import Role, User
from mediatheek.testing import factories as f
from mediatheek.testing.isolation import assert_refused


def _shown(body: str) -> str:
    return body.split('data-testid="initial-password">')[1].split("<")[0]


@pytest.mark.django_db
def test_list_shows_when_each_account_last_logged_in(client, admin_a, volunteer_a):
    client.force_login(volunteer_a)  # force_login sets last_login
    client.force_login(admin_a)
    body = client.get(reverse("client:account_list")).content.decode()
    assert "Laatst ingelogd" in body and "nog nooit" not in body.split("balie-a")[1].split("</tr>")[0]


@pytest.mark.django_db
def test_new_password_asks_first_and_a_get_changes_nothing(client, admin_a, volunteer_a):
    volunteer_a.first_name, volunteer_a.last_name = "Els", "de Boer"
    volunteer_a.save()
    client.force_login(admin_a)
    response = client.get(reverse("client:account_reset_password", args=[volunteer_a.pk]))
    body = response.content.decode()
    volunteer_a.refresh_from_db()
    assert "Nieuw wachtwoord voor Els de Boer?" in body and "werkt daarna niet meer" in body
    assert volunteer_a.check_password(f.TEST_PASSWORD) and not volunteer_a.must_change_password


@pytest.mark.django_db
def test_new_password_is_shown_once_with_whose_it_is_and_where_to_log_in(client, admin_a, volunteer_a, settings):
    settings.BASE_URL = "https://bieb.example.nl"
    client.force_login(admin_a)
    response = client.post(reverse("client:account_reset_password", args=[volunteer_a.pk]), follow=True)
    body = response.content.decode()
    volunteer_a.refresh_from_db()
    assert volunteer_a.check_password(_shown(body))
    assert "https://bieb.example.nl/client/" in body and "vrijwilliger" in body and "OBS Alfa" in body
    assert _shown(body) not in client.get(reverse("client:account_list")).content.decode()


@pytest.mark.django_db
def test_an_upload_login_is_told_its_portal_and_pasnummer(client, staff_user, school_a, settings):
    settings.BASE_URL = "https://bieb.example.nl"
    client.force_login(staff_user)
    body = client.post(
        reverse("client:account_add"), {"role": "uploader", "login": "700555", "school": school_a.pk}, follow=True
    ).content.decode()
    assert "https://bieb.example.nl/alfa/" in body and "Pasnummer" in body
    assert "Inlogbrief afdrukken (PDF)" in body


@pytest.mark.django_db
def test_the_upload_login_letter_is_a_pdf_while_the_password_is_the_generated_one(client, staff_user, school_a):
    client.force_login(staff_user)
    body = client.post(
        reverse("client:account_add"), {"role": "uploader", "login": "700555", "school": school_a.pk}, follow=True
    ).content.decode()
    account = User.objects.get(username="700555")
    url = reverse("client:account_letter", args=[account.pk])
    response = client.post(url, {"password": _shown(body)})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    refused = client.post(url, {"password": "geraden"})
    assert refused.status_code == 302 and refused.headers["Location"] == reverse("client:account_list")


@pytest.mark.django_db
def test_own_password_is_not_reset_from_the_list(client, staff_user, school_a):
    client.force_login(staff_user)
    body = client.get(reverse("client:account_list")).content.decode()
    assert reverse("client:account_reset_password", args=[staff_user.pk]) not in body
    assert reverse("client:password_change") in body
    response = client.post(reverse("client:account_reset_password", args=[staff_user.pk]))
    staff_user.refresh_from_db()
    assert response.headers["Location"] == reverse("client:password_change")
    assert staff_user.check_password(f.TEST_PASSWORD)


@pytest.mark.django_db
def test_edit_an_account(client, admin_a, volunteer_a):
    client.force_login(admin_a)
    url = reverse("client:account_edit", args=[volunteer_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "volunteer", "first_name": "Els", "last_name": "Boer", "email": "e@x.nl"})
    volunteer_a.refresh_from_db()
    assert response.status_code == 302 and volunteer_a.first_name == "Els" and volunteer_a.email == "e@x.nl"


@pytest.mark.django_db
def test_switch_off_asks_first_with_the_sessions_then_switches_off(client, admin_a, volunteer_a):
    client.force_login(admin_a)
    url = reverse("client:account_deactivate", args=[volunteer_a.pk])
    body = client.get(url).content.decode()
    volunteer_a.refresh_from_db()
    assert volunteer_a.is_active and "kan dan niet meer inloggen" in body and "blijft bewaard" in body
    client.post(url)
    volunteer_a.refresh_from_db()
    assert not volunteer_a.is_active
    client.post(reverse("client:account_reactivate", args=[volunteer_a.pk]))
    volunteer_a.refresh_from_db()
    assert volunteer_a.is_active


@pytest.mark.django_db
def test_a_switched_off_volunteer_cannot_log_in(client, volunteer_a):
    User.objects.filter(pk=volunteer_a.pk).update(is_active=False)
    response = client.post(reverse("client:login"), {"username": "balie-a", "password": f.TEST_PASSWORD})
    assert response.status_code == 200 and "klopt niet" in response.content.decode()


@pytest.mark.django_db
def test_a_switched_off_upload_login_cannot_log_in_on_the_portal(client, uploader_a, school_a):
    User.objects.filter(pk=uploader_a.pk).update(is_active=False)
    url = reverse("portal:login", kwargs={"slug": school_a.slug})
    response = client.post(url, {"username": uploader_a.username, "password": f.TEST_PASSWORD})
    assert response.status_code == 200 and "klopt niet" in response.content.decode()


@pytest.mark.django_db
def test_a_switched_off_account_is_logged_out_at_once(client, staff_user, volunteer_a):
    volunteer = client.__class__()
    volunteer.force_login(volunteer_a)
    assert volunteer.get(reverse("client:desk")).status_code == 200
    client.force_login(staff_user)
    client.post(reverse("client:account_deactivate", args=[volunteer_a.pk]))
    assert volunteer.get(reverse("client:desk")).status_code == 302


@pytest.mark.django_db
def test_switching_off_yourself_is_refused_on_the_question_page(client, staff_user, school_a):
    f.staff(username="tweede")
    client.force_login(staff_user)
    body = client.get(reverse("client:account_deactivate", args=[staff_user.pk])).content.decode()
    assert "eigen account niet uitzetten" in body and 'type="submit" class="danger"' not in body


@pytest.mark.django_db
def test_delete_asks_first_then_deletes_an_unused_account(client, admin_a, volunteer_a):
    client.force_login(admin_a)
    url = reverse("client:account_delete", args=[volunteer_a.pk])
    assert "kan niet ongedaan worden gemaakt" in client.get(url).content.decode()
    assert User.objects.filter(pk=volunteer_a.pk).exists()
    client.post(url)
    assert not User.objects.filter(pk=volunteer_a.pk).exists()


@pytest.mark.django_db
def test_delete_of_an_account_with_loans_says_why_and_offers_switching_off(client, admin_a, volunteer_a, school_a):
    f.LoanFactory(copy=f.CopyFactory(school=school_a), checked_out_by=volunteer_a)
    client.force_login(admin_a)
    url = reverse("client:account_delete", args=[volunteer_a.pk])
    body = client.get(url).content.decode()
    assert "kan niet worden verwijderd" in body and "Uitleningen: 1" in body
    assert reverse("client:account_deactivate", args=[volunteer_a.pk]) in body
    client.post(url)
    assert User.objects.filter(pk=volunteer_a.pk).exists()


ACTIONS = ["account_edit", "account_reset_password", "account_deactivate", "account_reactivate", "account_delete"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTIONS)
def test_school_admin_cannot_act_on_another_schools_account(client, admin_a, uploader_b, name):
    assert_refused(client, admin_a, reverse(f"client:{name}", args=[uploader_b.pk]), method="post", data={})
    uploader_b.refresh_from_db()
    assert uploader_b.is_active and not uploader_b.must_change_password


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTIONS)
def test_school_admin_cannot_act_on_library_staff(client, admin_a, staff_user, name):
    assert_refused(client, admin_a, reverse(f"client:{name}", args=[staff_user.pk]), method="post", data={})
    staff_user.refresh_from_db()
    assert staff_user.is_active and not staff_user.must_change_password


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTIONS)
def test_volunteer_cannot_act_on_accounts(client, volunteer_a, uploader_a, name):
    assert_refused(client, volunteer_a, reverse(f"client:{name}", args=[uploader_a.pk]), method="post", data={})
    uploader_a.refresh_from_db()
    assert uploader_a.is_active


@pytest.mark.django_db
def test_school_admin_does_not_get_actions_for_a_fellow_admin(client, admin_a, school_a):
    fellow = f.school_user(Role.SCHOOL_ADMIN, school_a, username="admin-a2")
    client.force_login(admin_a)
    body = client.get(reverse("client:account_list")).content.decode()
    assert "admin-a2" in body and reverse("client:account_edit", args=[fellow.pk]) not in body
