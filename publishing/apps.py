from django.apps import AppConfig
from django.db.models import Exists, OuterRef, Q


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing to X"

    def ready(self) -> None:
        from generator.maintenance import thread_keep_when
        from publishing.models import Publication

        # The retention policy never deletes a thread while a publication of it is scheduled or publishing.
        def live() -> Q:
            publications = Publication.objects.filter(thread=OuterRef("pk"), status__in=Publication.LIVE_STATUSES)
            return Q(Exists(publications))

        thread_keep_when("publishing.live", live)
