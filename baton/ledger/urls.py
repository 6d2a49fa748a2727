from django.urls import path, register_converter

from . import views, views_leads


class UploadTokenConverter:
    """The random name of an upload waiting for confirmation (``secrets.token_urlsafe(24)``)."""

    regex = r"[A-Za-z0-9_\-]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UploadTokenConverter, "upload_token")

app_name = "ledger"
urlpatterns = [
    path("import/", views.ledger_import_view, name="import"),
    path("import/<upload_token:token>/", views.ledger_import_preview, name="import_preview"),
    path("import/<upload_token:token>/map/", views.ledger_import_map, name="import_map"),
    path(
        "import/<upload_token:token>/confirm/", views.ledger_import_confirm, name="import_confirm"
    ),
    path("import/<upload_token:token>/errors/", views.ledger_import_errors, name="import_errors"),
    path("import/jobs/<int:job_id>/", views.ledger_import_done, name="import_done"),
    path("export/", views.ledger_export_view, name="export"),
    path("leads/import/", views_leads.lead_ledger_import, name="lead_import"),
]
