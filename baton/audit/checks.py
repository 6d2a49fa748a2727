from django.core import checks

from .chain import self_test


@checks.register(checks.Tags.security)
def gm_self_test(app_configs, **kwargs):
    """Start-up self-test: SM3 and SM4 against the standards' test vectors."""
    return [
        checks.Error(f"国密算法自检失败：{problem}", id="baton.audit.E001")
        for problem in self_test()
    ]
