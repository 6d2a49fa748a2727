"""政策梳理和分析：承诺与兑付。"""

urlpatterns: list = []
