from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import trust_audit, trust_otp, trust_privacy

urlpatterns: list[URLPattern | URLResolver] = [
    path("tweestaps/", trust_otp.otp_verify, name="otp_verify"),
    path("tweestaps/instellen/", trust_otp.otp_setup, name="otp_setup"),
    path("beveiliging/accounts/", trust_otp.security_accounts, name="security_accounts"),
    path("beveiliging/accounts/<int:pk>/", trust_otp.security_account_update, name="security_account_update"),
    path("scholen/<int:pk>/gegevens/", trust_privacy.school_data_page, name="school_data"),
    path("scholen/<int:pk>/gegevens/export.xlsx", trust_privacy.school_export_xlsx, name="school_export_xlsx"),
    path("scholen/<int:pk>/gegevens/export.json", trust_privacy.school_export_json, name="school_export_json"),
    path("scholen/<int:pk>/verwijderen/", trust_privacy.school_delete, name="school_delete"),
    path("auditlog/", trust_audit.audit_log, name="audit_log"),
    path("auditlog/export.csv", trust_audit.audit_log_csv, name="audit_log_csv"),
    path("auditlog/export.xlsx", trust_audit.audit_log_xlsx, name="audit_log_xlsx"),
]
