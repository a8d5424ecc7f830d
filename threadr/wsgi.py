import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadr.settings")

application = get_wsgi_application()

# Load now what the first generation would otherwise load on its way — the provider's SDK and the article
# extractor, about half a second together — so no user waits for it after a deploy or a worker restart.
for module in ("generator.llm", "generator.extract"):
    import_module(module)
