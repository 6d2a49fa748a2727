import os

from django.core.wsgi import get_wsgi_application

from config.proxy import TrustedProxies


def wrap(app):
    """Return ``app`` seeing the client's address behind the trusted gateways (config.proxy)."""
    from django.conf import settings

    return TrustedProxies(app, settings.BATON_TRUSTED_PROXIES)


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = wrap(get_wsgi_application())

# gunicorn runs no system checks: refuse to serve when SM3/SM4 fail their test vectors
# or the field key is malformed (the same self-test `manage.py check` runs).
from baton.ops.checks import startup_self_test  # noqa: E402

startup_self_test()
