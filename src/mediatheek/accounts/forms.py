from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from mediatheek.accounts import services
from mediatheek.accounts.models import CLIENT_ROLES, PORTAL_ROLES, Role, User
from mediatheek.schools.models import School


class ClientLoginForm(AuthenticationForm):
    """Staff, school admins and volunteers. Any other login gets the same "wrong login" message."""

    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Gebruikersnaam of wachtwoord klopt niet."),
        "inactive": _("Gebruikersnaam of wachtwoord klopt niet."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.role not in CLIENT_ROLES:
            raise self.get_invalid_login_error()


class PortalLoginForm(AuthenticationForm):
    """The portal's login: "Pasnummer" and "Wachtwoord", only for logins of this portal's school."""

    # "Pasnummer" and "Wachtwoord" are the labels of the schools' manual: they stay as they are in every language.
    username = forms.CharField(
        label="Pasnummer",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label="Wachtwoord",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Pasnummer of wachtwoord klopt niet."),
        "inactive": _("Pasnummer of wachtwoord klopt niet."),
    }

    def __init__(self, request: Any = None, *args: Any, school: School, **kwargs: Any) -> None:
        self.school = school
        super().__init__(request, *args, **kwargs)

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.role not in PORTAL_ROLES or user.school_id != self.school.pk:
            raise self.get_invalid_login_error()
        if user.patron_id is not None and not user.patron.is_active:
            raise self.get_invalid_login_error()


class NewPasswordForm(SetPasswordForm):
    """The forced change after a generated password: the new password twice (checked by the password validators)."""

    new_password1 = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Nieuw wachtwoord (nog een keer)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class CurrentPasswordChangeForm(PasswordChangeForm):
    """A voluntary change: the current password, then the new one twice (Django's PasswordChangeForm)."""

    old_password = forms.CharField(
        label=_("Huidig wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = NewPasswordForm.base_fields["new_password1"]
    new_password2 = NewPasswordForm.base_fields["new_password2"]

    def clean_old_password(self) -> str:
        # Checked by services.change_password, which also counts wrong guesses: checking it here as well would
        # let a guess skip the count.
        return str(self.cleaned_data["old_password"])


def password_change_form(user: User, data: Any = None) -> SetPasswordForm:
    """The form for `user`'s own password change: with the current password, unless the change is forced."""
    if services.current_password_required(user):
        return CurrentPasswordChangeForm(user, data)
    return NewPasswordForm(user, data)


class AccountForm(forms.Form):
    """A new login for the client or the portal; the roles offered are the ones the maker may make."""

    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    login = forms.CharField(
        label=_("Gebruikersnaam of pasnummer"),
        max_length=150,
        help_text=_("Voor een uploadaccount is dit het pasnummer waarmee de school op het portaal inlogt."),
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.all(), required=False)
    first_name = forms.CharField(label=_("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, allowed_roles: Sequence[str], fixed_school: School | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in Role.choices if value in allowed_roles]
        self.fixed_school = fixed_school
        if fixed_school is not None:
            del self.fields["school"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.fixed_school is not None:
            data["school"] = self.fixed_school
        if data.get("role") and data["role"] != Role.STAFF and not data.get("school"):
            self.add_error("school", _("Kies de school van dit account."))
        return data


class AccountEditForm(AccountForm):
    """An existing login's role, school, name and e-mail (the login itself stays: it is on letters and cards)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["login"]

    @staticmethod
    def initial_for(account: User) -> dict[str, Any]:
        return {
            "role": account.role,
            "school": account.school_id,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
        }


class TokenForm(forms.Form):
    """The six digits of the authenticator app (the second factor)."""

    token = forms.CharField(
        label=_("Code uit de authenticator-app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SecondFactorForm(forms.Form):
    """At login: the app's six digits, or one of the recovery codes (letters and digits) when the phone is lost."""

    token = forms.CharField(
        label=_("Code uit de authenticator-app"),
        max_length=20,
        help_text=_("Telefoon niet bij de hand? Typ dan een van je herstelcodes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class PasswordResetRequestForm(forms.Form):
    """ "Wachtwoord vergeten?": the login or the e-mail address of a client account."""

    login = forms.CharField(
        label=_("Gebruikersnaam of e-mailadres"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
