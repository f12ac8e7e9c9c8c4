from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Work across the domains: retention, backup and restore, a school's export and deletion, the demo data."""

    name = "mediatheek.operations"
    verbose_name = _("Beheer")
