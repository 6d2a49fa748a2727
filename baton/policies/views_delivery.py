"""政策兑现：受理、核定、分期兑付。"""

urlpatterns: list = []
