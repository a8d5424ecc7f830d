from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from threadr import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("pricing", views.pricing, name="pricing"),
    path("privacy", views.privacy, name="privacy"),
    path("terms", views.terms, name="terms"),
    path("health", views.health_view, name="health"),
    path("readiness", views.readiness_view, name="readiness"),
    path("accounts/", include("allauth.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
