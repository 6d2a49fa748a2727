import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve when SM3/SM4 fail their test vectors
# or the field key is malformed (the same self-test `manage.py check` runs).
from baton.ops.checks import startup_self_test  # noqa: E402

startup_self_test()
