from django.contrib import admin
from django.urls import include, path

from config.api import api

admin.site.site_header = "接力棒 · 系统配置"
admin.site.site_title = "接力棒"
admin.site.index_title = "配置首页"

urlpatterns = [
    path("", include("baton.reports.urls")),
    path("accounts/", include("baton.accounts.urls")),
    path("projects/", include("baton.projects.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
