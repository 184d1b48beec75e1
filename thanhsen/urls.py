from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from thanhsen.health import healthz
from thanhsen.views import LoginView, ObtainTokenView, home

#: Swagger UI comes from its CDN and styles itself inline; its init script is a separate file
#: (the split view), so only this page relaxes the site's policy, and only for the CDN's files.
_SWAGGER_CDN = "https://cdn.jsdelivr.net"
_swagger_ui = csp_override({
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, _SWAGGER_CDN],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE, _SWAGGER_CDN],
    "img-src": [CSP.SELF, "data:", _SWAGGER_CDN],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("dang-nhap/", LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include("cases.urls_api")),
    path("", include("intake.urls")),
    path("", include("intake.signing.urls")),
    path("", include("reports.urls")),
    path("", include("linkage.urls")),
    path("", include("cases.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", _swagger_ui, name="api-docs"),
]
if apps.is_installed("devtools"):
    # Development only (``DEVTOOLS``): the simulated payment gateway's checkout page.
    urlpatterns.append(path("", include("devtools.urls")))
