"""The policy pages: the library, the calculator, delivery (兑现) and the analysis."""

from . import views, views_analysis, views_calculator, views_delivery

app_name = "policies"
urlpatterns = [
    *views.urlpatterns,
    *views_calculator.urlpatterns,
    *views_delivery.urlpatterns,
    *views_analysis.urlpatterns,
]
