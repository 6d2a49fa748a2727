"""投资信息 pages: the list (filters, counts, pages), registering a lead (a company of the
library or a new one), a lead's page with its deadlines, 撞车, 研判 and timeline, the
actions on it as dialogs (``core.views.run_dialog``), and the district's rules."""

from django.urls import path

from .actions import (
    lead_arbitrate,
    lead_assess,
    lead_convert,
    lead_edit,
    lead_feedback,
    lead_note,
    lead_reassign,
    lead_reject,
    lead_respond,
)
from .listing import lead_export, lead_list
from .page import lead_detail
from .register import company_search, lead_new
from .settings import lead_settings

app_name = "leads"

urlpatterns = [
    path("", lead_list, name="list"),
    path("new/", lead_new, name="new"),
    path("export/", lead_export, name="export"),
    path("new/companies/", company_search, name="company_search"),
    path("settings/", lead_settings, name="settings"),
    path("<str:code>/", lead_detail, name="detail"),
    path("<str:code>/edit/", lead_edit, name="edit"),
    path("<str:code>/respond/", lead_respond, name="respond"),
    path("<str:code>/note/", lead_note, name="note"),
    path("<str:code>/assess/", lead_assess, name="assess"),
    path("<str:code>/feedback/", lead_feedback, name="feedback"),
    path("<str:code>/reject/", lead_reject, name="reject"),
    path("<str:code>/arbitrate/", lead_arbitrate, name="arbitrate"),
    path("<str:code>/reassign/", lead_reassign, name="reassign"),
    path("<str:code>/convert/", lead_convert, name="convert"),
]
