from django.urls import path
from django.views.generic import RedirectView

from generator import views
from generator.api import account, generations, threads

urlpatterns = [
    path("", views.app_page, name="app"),
    path("threads/", views.history_page, name="history"),
    path("history/", RedirectView.as_view(pattern_name="history", query_string=True)),
    path("threads/<int:pk>/", views.thread_page, name="thread"),
]

shared_urlpatterns = [
    path("<str:token>/", views.shared_page, name="shared"),
    path("<str:token>/image-<slug:digest>.png", views.shared_image, name="shared-image"),
]

api_urlpatterns = [
    path("generations", generations.GenerationCreateApi.as_view(), name="api-generations"),
    path("threads", threads.ThreadListApi.as_view(), name="api-threads"),
    path("threads/<int:pk>", threads.ThreadDetailApi.as_view(), name="api-thread"),
    path("threads/<int:pk>/duplicate", threads.ThreadDuplicateApi.as_view(), name="api-thread-duplicate"),
    path(
        "threads/<int:pk>/tweets/<int:position>/regenerate",
        threads.TweetRegenerateApi.as_view(),
        name="api-tweet-regenerate",
    ),
    path("threads/<int:pk>/export", threads.ThreadExportApi.as_view(), name="api-thread-export"),
    path("usage", account.UsageApi.as_view(), name="api-usage"),
    path("styles", account.StyleListApi.as_view(), name="api-styles"),
]
