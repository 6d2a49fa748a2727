"""Signing in with Django's model backend, and reading the signed-in user with the area
(unit, district, city) that the header of every page names: one query, not two."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("unit", "district", "city").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
