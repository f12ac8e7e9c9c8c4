"""/client/auditlog/: the audit log and its exports."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import audit_log

urlpatterns: list[URLPattern | URLResolver] = [
    path("", audit_log.audit_log, name="audit_log"),
    path("export.csv", audit_log.audit_log_csv, name="audit_log_csv"),
    path("export.xlsx", audit_log.audit_log_xlsx, name="audit_log_xlsx"),
]
