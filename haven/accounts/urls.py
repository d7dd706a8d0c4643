from django.urls import path

from haven.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/password/", views.password_change, name="password_change"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/read/", views.alerts_read_all, name="alerts_read_all"),
    path("alerts/<id:alert_id>/", views.alert_open, name="alert_open"),
    path("alerts/<id:alert_id>/read/", views.alert_read, name="alert_read"),
]
