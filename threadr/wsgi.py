import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadr.settings")

application = get_wsgi_application()

# Load now what the first requests would otherwise load on their way (the provider's SDK, its client and HTTP
# machinery, the article extractor, the cache clients), so no user waits for it after a deploy or a worker
# restart, and gunicorn's gc.freeze() after start-up (gunicorn.conf.py) puts it out of the collector's reach.
import_module("threadr.lib.warm").warm_up()
