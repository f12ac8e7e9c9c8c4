from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirculationConfig(AppConfig):
    name = "mediatheek.circulation"
    label = "circulation"
    verbose_name = _("Uitlening")

    def ready(self) -> None:
        from mediatheek.circulation import signals

        signals.connect()
