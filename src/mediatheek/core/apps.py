from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mediatheek.core"
    label = "core"
    verbose_name = _("Basis")

    def ready(self) -> None:
        from mediatheek.core import checks  # noqa: F401 - registers the deploy checks
