"""An attachment handed to a user: always as a download, never from the store's address.

The caller has found the attachment through a scoped selector. The answer names the
file as it was shown (RFC 6266), carries the type read from its content at upload,
``nosniff`` (the security middleware's) so no browser second-guesses it, and a sandbox
CSP so that even a file opened in place runs nothing.
"""

from django.http import HttpResponse

from baton.core.http import attachment as as_download

from . import store
from .models import Attachment


def download(found: Attachment) -> HttpResponse:
    response = HttpResponse(store.read(found.storage_name), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return as_download(response, found.name, fallback=f"attachment-{found.pk}{_suffix(found)}")


def _suffix(found: Attachment) -> str:
    return found.storage_name[found.storage_name.rfind(".") :] if "." in found.storage_name else ""
