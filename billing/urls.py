from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("checkout/<slug:plan_slug>/", views.checkout, name="checkout"),
    path("success/", views.success, name="success"),
    path("cancelled/", views.cancelled, name="cancelled"),
    path("portal/", views.portal, name="portal"),
    path("webhook/", views.webhook, name="webhook"),
]
