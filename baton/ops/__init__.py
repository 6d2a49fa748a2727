"""Operations: backup and restore, field encryption's conversion, the 国密 self-test.

No models of its own: it works on the whole database (``baton backup``/``restore``)
and on the fields ``baton.core.encrypted_fields`` defines (``baton encrypt-fields``).
"""
