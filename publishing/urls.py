from django.urls import path

from publishing import api, views

# Under /accounts/x/.
connect_urlpatterns = [
    path("connect/", views.x_connect, name="x-connect"),
    path("callback/", views.x_callback, name="x-callback"),
    path("disconnect/", views.x_disconnect, name="x-disconnect"),
]

# Under /app/.
page_urlpatterns = [
    path("queue/", views.queue_page, name="publishing-queue"),
    path("queue/<int:pk>/cancel/", views.queue_cancel, name="publishing-cancel"),
    path("queue/<int:pk>/retry/", views.queue_retry, name="publishing-retry"),
    path("queue/<int:pk>/reschedule/", views.queue_reschedule, name="publishing-reschedule"),
    path("queue/<int:pk>/delete-from-x/", views.queue_delete_from_x, name="publishing-delete-from-x"),
]

# Under /api/v1/.
api_urlpatterns = [
    path("threads/<int:pk>/publications", api.PublicationCreateApi.as_view(), name="api-thread-publications"),
    path("publications", api.PublicationListApi.as_view(), name="api-publications"),
    path("publications/<int:pk>", api.PublicationDetailApi.as_view(), name="api-publication"),
    path("publications/<int:pk>/retry", api.PublicationRetryApi.as_view(), name="api-publication-retry"),
    path("publications/<int:pk>/update-copy", api.PublicationUpdateCopyApi.as_view(), name="api-publication-copy"),
    path(
        "publications/<int:pk>/delete-from-x",
        api.PublicationDeleteFromXApi.as_view(),
        name="api-publication-delete-from-x",
    ),
]
