"""Who may add or remove an attachment of a project they can see.

Seeing is the project's scope (``baton.projects.selectors.project_scope``: outside it,
404). Adding is editing the project (``baton.projects.permissions.can_edit``: the baton
holder or its district office, on a project that may be edited). Removing is the
uploader's, while they may still edit the project, or the district office's. A file of
a 督办's report is part of that report: it is not removed here.
"""

from baton.accounts.models import User
from baton.projects import permissions as project_permissions
from baton.projects.models import Project

from .models import Attachment

ADD_REFUSED = "只有项目的责任单位或区招商办可以上传附件；审核中的项目不能上传。"
DELETE_REFUSED = "只有上传人或区招商办可以删除附件；督办办理材料不能删除。"


def can_add(user: User, project: Project) -> bool:
    return project_permissions.can_edit(user, project)


def can_delete(user: User, attachment: Attachment) -> bool:
    if attachment.supervision_id is not None:
        return False
    project = attachment.project
    if project_permissions.office_of(user, project):
        return True
    return attachment.uploaded_by_id == user.pk and can_add(user, project)
