from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import audit_log, school_data, second_factor

urlpatterns: list[URLPattern | URLResolver] = [
    path("tweestaps/", second_factor.otp_verify, name="otp_verify"),
    path("tweestaps/instellen/", second_factor.otp_setup, name="otp_setup"),
    path("beveiliging/accounts/", second_factor.security_accounts, name="security_accounts"),
    path("beveiliging/accounts/<int:pk>/", second_factor.security_account_update, name="security_account_update"),
    path("scholen/<int:pk>/gegevens/", school_data.school_data_page, name="school_data"),
    path("scholen/<int:pk>/gegevens/export.xlsx", school_data.school_export_xlsx, name="school_export_xlsx"),
    path("scholen/<int:pk>/gegevens/export.json", school_data.school_export_json, name="school_export_json"),
    path("scholen/<int:pk>/verwijderen/", school_data.school_delete, name="school_delete"),
    path("auditlog/", audit_log.audit_log, name="audit_log"),
    path("auditlog/export.csv", audit_log.audit_log_csv, name="audit_log_csv"),
    path("auditlog/export.xlsx", audit_log.audit_log_xlsx, name="audit_log_xlsx"),
]
