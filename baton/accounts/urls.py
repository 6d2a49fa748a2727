from django.urls import path

from . import views, views_security, views_users

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views.otp, name="otp"),
    # 三员分立: the system administrator's 用户管理, the security administrator's 安全管理
    path("users/", views_users.user_list, name="users"),
    path("users/new/", views_users.user_new, name="user_new"),
    path("users/<int:pk>/active/", views_users.user_active, name="user_active"),
    path("users/<int:pk>/password/", views_users.user_password, name="user_password"),
    path("security/", views_security.security, name="security"),
    path("security/unlock/", views_security.unlock, name="unlock"),
    path("security/sessions/<int:pk>/end/", views_security.session_end, name="session_end"),
    path("security/tokens/<int:pk>/revoke/", views_security.token_revoke_view, name="token_revoke"),
    path("security/users/<int:pk>/role/", views_security.user_role, name="user_role"),
    path("security/users/<int:pk>/otp/", views_security.user_otp, name="user_otp"),
]
