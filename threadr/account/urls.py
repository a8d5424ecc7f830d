from django.urls import path

from threadr.account import views

urlpatterns = [
    path("settings/", views.account_settings, name="account_settings"),
    path("settings/profile/", views.profile_update, name="account_profile"),
    path("settings/time-zone/", views.time_zone_update, name="account_time_zone"),
    path("settings/time-zone/detect/", views.time_zone_detect, name="account_time_zone_detect"),
    path("settings/tokens/", views.token_create, name="account_token_create"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="account_token_revoke"),
    path("settings/sign-out-everywhere/", views.sign_out_everywhere, name="account_sign_out_everywhere"),
    path("settings/export/", views.data_export, name="account_export"),
    path("settings/delete/", views.account_delete, name="account_delete"),
]
