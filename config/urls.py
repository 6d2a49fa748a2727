from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "接力棒 · 招商引资项目管理平台"
admin.site.site_title = "接力棒"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]
