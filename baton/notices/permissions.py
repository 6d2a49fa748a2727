"""Who keeps a district's notice channels and reads its delivery log: its office."""

from baton.accounts.models import User

CHANNEL_REFUSED = "只有区招商办可以设置本区的通知渠道、查看发送记录。"


def channel_district(user: User) -> int | None:
    """The district whose channels ``user`` may set and whose log they may read."""
    if user.is_active and user.role == User.Role.DISTRICT_OFFICE and user.district_id:
        return user.district_id
    return None
