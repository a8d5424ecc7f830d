from django.urls import path

from generator import api, views

urlpatterns = [
    path("", views.app_page, name="app"),
    path("threads/", views.history_page, name="history"),
    path("threads/<int:pk>/", views.thread_page, name="thread"),
]

shared_urlpatterns = [
    path("<str:token>/", views.shared_page, name="shared"),
]

api_urlpatterns = [
    path("generations", api.GenerationCreateApi.as_view(), name="api-generations"),
    path("threads", api.ThreadListApi.as_view(), name="api-threads"),
    path("threads/<int:pk>", api.ThreadDetailApi.as_view(), name="api-thread"),
    path("threads/<int:pk>/duplicate", api.ThreadDuplicateApi.as_view(), name="api-thread-duplicate"),
    path(
        "threads/<int:pk>/tweets/<int:position>/regenerate",
        api.TweetRegenerateApi.as_view(),
        name="api-tweet-regenerate",
    ),
    path("threads/<int:pk>/export", api.ThreadExportApi.as_view(), name="api-thread-export"),
    path("usage", api.UsageApi.as_view(), name="api-usage"),
    path("styles", api.StyleListApi.as_view(), name="api-styles"),
]
