"""/client/tweestaps/: one's own second factor."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import second_factor

urlpatterns: list[URLPattern | URLResolver] = [
    path("", second_factor.otp_verify, name="otp_verify"),
    path("instellen/", second_factor.otp_setup, name="otp_setup"),
    path("herstelcodes/", second_factor.recovery_codes, name="otp_recovery_codes"),
]
