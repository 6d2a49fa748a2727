from django.urls import path

from . import views, views_claims

app_name = "intermediaries"

urlpatterns = [
    path("", views.intermediary_list, name="list"),
    path("new/", views.intermediary_new, name="new"),
    path("export/", views.intermediary_export, name="export"),
    path("import/", views.intermediary_import, name="import"),
    path("settings/", views.intermediary_settings, name="settings"),
    path("claims/", views_claims.claim_list, name="claims"),
    path("claims/new/<project_code:code>/", views_claims.claim_new, name="claim_new"),
    path("claims/<str:code>/", views_claims.claim_detail, name="claim"),
    path("claims/<str:code>/confirm/", views_claims.claim_confirm, name="claim_confirm"),
    path("claims/<str:code>/refuse/", views_claims.claim_refuse, name="claim_refuse"),
    path("claims/<str:code>/withdraw/", views_claims.claim_withdraw, name="claim_withdraw"),
    path("claims/<str:code>/reward/", views_claims.reward_new, name="reward_new"),
    path("rewards/<str:code>/", views_claims.reward_detail, name="reward"),
    path("rewards/<str:code>/approve/", views_claims.reward_approve, name="reward_approve"),
    path("rewards/<str:code>/publicize/", views_claims.reward_publicize, name="reward_publicize"),
    path("rewards/<str:code>/pay/", views_claims.reward_pay, name="reward_pay"),
    path("<str:code>/", views.intermediary_detail, name="detail"),
    path("<str:code>/edit/", views.intermediary_edit, name="edit"),
    path("<str:code>/agreement/", views.intermediary_agreement, name="agreement"),
    path("<str:code>/revoke/", views.intermediary_revoke, name="revoke"),
]
