from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .crypto import field_key, self_test


@checks.register(checks.Tags.security)
def field_encryption_self_test(app_configs, **kwargs):
    """Start-up self-test: SM4-GCM against RFC 8998's vector, and the field key if set.

    (SM3 and single-block SM4 against GB/T 32905/32907 are checked by baton.audit.)
    """
    errors = []
    try:
        field_key()
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="baton.accounts.E002"))
        return errors
    return errors + [
        checks.Error(f"国密算法自检失败：{problem}", id="baton.accounts.E001")
        for problem in self_test()
    ]
