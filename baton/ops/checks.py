"""The 国密 self-test: SM3, SM4 and SM4-GCM against the standards' vectors, and the field
key if one is set. ``manage.py check`` (and so ``migrate`` and ``runserver``) runs it as
a system check; the WSGI start runs ``startup_self_test`` (gunicorn runs no checks).

The check ids are those the self-test had before it moved here: an operator may name them.
"""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from baton.core import crypto, encrypted_fields


@checks.register(checks.Tags.security)
def gm_self_test(app_configs, **kwargs):
    errors = [
        checks.Error(f"国密算法自检失败：{problem}", id="baton.audit.E001")
        for problem in crypto.self_test()
    ]
    try:
        problems = encrypted_fields.self_test()
    except ImproperlyConfigured as exc:  # a malformed BATON_FIELD_KEY
        return [*errors, checks.Error(str(exc), id="baton.accounts.E002")]
    return errors + [
        checks.Error(f"国密算法自检失败：{problem}", id="baton.accounts.E001")
        for problem in problems
    ]


def startup_self_test() -> None:
    """Refuse to serve when the 国密 algorithms fail their test vectors (called by wsgi)."""
    problems = crypto.self_test()
    try:
        problems += encrypted_fields.self_test()
    except ImproperlyConfigured as exc:
        problems.append(str(exc))
    if problems:
        raise ImproperlyConfigured("国密算法自检失败：" + "；".join(problems))
