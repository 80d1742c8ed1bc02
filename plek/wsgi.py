import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plek.settings")
application = get_wsgi_application()
# Everything loaded so far (Django, the apps, the URL patterns) lives as long as the process: out of the cyclic
# collector's way, so that its full collections only walk what requests create.
gc.freeze()
