from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import trust_otp

urlpatterns: list[URLPattern | URLResolver] = [
    path("tweestaps/", trust_otp.otp_verify, name="otp_verify"),
    path("tweestaps/instellen/", trust_otp.otp_setup, name="otp_setup"),
    path("beveiliging/accounts/", trust_otp.security_accounts, name="security_accounts"),
    path("beveiliging/accounts/<int:pk>/", trust_otp.security_account_update, name="security_account_update"),
]
