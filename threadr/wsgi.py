import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadr.settings")

application = get_wsgi_application()

# Load now what the first requests would otherwise load on their way (the provider's SDK and its client, the
# article extractor, the cache clients), so no user waits for it after a deploy or a worker restart, and gunicorn's
# gc.freeze() after start-up (gunicorn.conf.py) puts it out of the collector's reach. Imported only now: it imports
# the apps, which needs Django set up.
from threadr.warm import warm_up  # noqa: E402

warm_up()
