from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from generator.urls import api_urlpatterns, shared_urlpatterns
from publishing import urls as publishing_urls
from threadr import views
from threadr.lib.headers import public_page
from threadr.staff import views as staff_views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("pricing", views.pricing, name="pricing"),
    path("privacy", views.privacy, name="privacy"),
    path("terms", views.terms, name="terms"),
    path("health", views.health_view, name="health"),
    path("readiness", views.readiness_view, name="readiness"),
    path("app/", include(publishing_urls.page_urlpatterns)),
    path("app/", include("generator.urls")),
    path("t/", include(shared_urlpatterns)),
    path("api/v1/", include(api_urlpatterns)),
    path("api/v1/", include(publishing_urls.api_urlpatterns)),
    path("api/schema/", public_page(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", public_page(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("accounts/x/", include(publishing_urls.connect_urlpatterns)),
    path("accounts/", include("threadr.account.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("billing/", include("billing.urls")),
    path("staff/", staff_views.dashboard, name="staff-dashboard"),
    path("metrics", staff_views.metrics, name="metrics"),
    path(f"{settings.ADMIN_URL}login/", staff_views.admin_login),  # before the admin's own, to rate-limit it
    # Staff change their password where everyone does, behind the shared password limits (the admin's own form
    # cannot be given them).
    path(f"{settings.ADMIN_URL}password_change/", RedirectView.as_view(pattern_name="account_change_password")),
    path(settings.ADMIN_URL, admin.site.urls),
]
