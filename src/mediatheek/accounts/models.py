from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("bibliotheekmedewerker")
    SCHOOL_ADMIN = "school_admin", _("mediathecaris (schoolbeheerder)")
    VOLUNTEER = "volunteer", _("vrijwilliger")
    UPLOADER = "uploader", _("uploadaccount school")
    PATRON = "patron", _("lener (portaal)")


# Roles that log in to the staff client; the others log in on a school's portal.
CLIENT_ROLES = frozenset({Role.STAFF, Role.SCHOOL_ADMIN, Role.VOLUNTEER})
PORTAL_ROLES = frozenset({Role.UPLOADER, Role.PATRON})


class User(AbstractUser):
    """A login. Library staff serve all schools; every other role belongs to exactly one school.

    Uploaders and patrons log in on the portal with a card number ("Pasnummer") as their login.
    """

    role = models.CharField(_("rol"), max_length=16, choices=Role.choices, default=Role.STAFF)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accounts",
    )
    patron = models.OneToOneField(
        "patrons.Patron",
        verbose_name=_("lener"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="account",
    )
    must_change_password = models.BooleanField(_("moet wachtwoord wijzigen"), default=False)
    # Library staff with this right may download student files and run the student import.
    may_import_students = models.BooleanField(_("mag leerlingbestanden importeren"), default=False)
    # A second factor (TOTP app) after the password; on by default for staff who may download student files.
    otp_required = models.BooleanField(_("tweestapsverificatie verplicht"), default=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="staff") | models.Q(school__isnull=False),
                name="account_school_required_unless_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_library_staff(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_school_admin(self) -> bool:
        return self.role == Role.SCHOOL_ADMIN

    @property
    def is_volunteer(self) -> bool:
        return self.role == Role.VOLUNTEER

    @property
    def is_uploader(self) -> bool:
        return self.role == Role.UPLOADER

    @property
    def is_patron_login(self) -> bool:
        return self.role == Role.PATRON

    @property
    def uses_client(self) -> bool:
        return self.role in CLIENT_ROLES

    @property
    def can_import_students(self) -> bool:
        return self.is_active and self.is_library_staff and self.may_import_students

    @property
    def can_manage_school(self) -> bool:
        """Edit patrons, rules, catalogue; see birth dates; export. Volunteers only work the desk."""
        return self.role in (Role.STAFF, Role.SCHOOL_ADMIN)


class LoginSession(AbstractBaseSession):
    """A session row that also names its user, so that "end this account's other sessions" is one indexed delete.

    Django's own session table only holds the signed, encoded session data: finding a user's sessions there means
    decoding every session of the installation. The store (`accounts.sessions.SessionStore`) fills `user_id`
    on every save from the session's `_auth_user_id`. A plain integer, not a foreign key: a session is saved at the
    end of every request, and a constraint would turn a user deleted in the meantime into an error there.
    """

    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from mediatheek.accounts.sessions import SessionStore

        return SessionStore


class RecoveryCode(models.Model):
    """A one-time code that logs in in place of the authenticator app's code (phone lost or flat).

    Made in a set of ten when the app is set up, shown once; only a hash is kept (Django's password hasher), as for
    passwords. Used once: `used_at` is set when it logs someone in.
    """

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(_("hash van de code"), max_length=256)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("herstelcode")
        verbose_name_plural = _("herstelcodes")

    def __str__(self) -> str:
        return f"herstelcode {self.pk} van {self.user_id}"
