from django.urls import path

from accounts import views

urlpatterns = [
    path("resend-confirmation/", views.verification_resend, name="account_verification_resend"),
]
