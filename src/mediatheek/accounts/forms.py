from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from mediatheek.accounts import services
from mediatheek.accounts.models import CLIENT_ROLES, PORTAL_ROLES, User
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
