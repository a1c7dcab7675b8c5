from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts import user_pages, views

urlpatterns = [
    path("login/", login_not_required(views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", include("accounts.two_factor.urls")),
    path("users/", user_pages.user_list, name="users"),
    path("users/new/", user_pages.user_new, name="user-new"),
    path("users/<uuid:pk>/", user_pages.user_detail, name="user"),
    path("password/forgot/", user_pages.password_forgot, name="password-forgot"),
    path(
        "password/set/<str:uidb64>/<str:token>/",
        login_not_required(user_pages.PasswordSetView.as_view()),
        name="password-set",
    ),
    path("password/set/done/", login_not_required(user_pages.PasswordSetDoneView.as_view()), name="password-set-done"),
]
