"""Static files: compressed, content-hashed names, and ES module imports rewritten to those hashed names too."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # `import { x } from "./xtext.js"` must point at the hashed file, or a deploy could mix old and new modules.
    support_js_module_import_aggregation = True
