from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentimportConfig(AppConfig):
    name = "mediatheek.studentimport"
    label = "studentimport"
    verbose_name = _("Leerlingimport")
