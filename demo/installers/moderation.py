"""The demo's publishing path: the editor submits, the moderator approves and so publishes.

Wagtail's migrations create the "Moderators approval" workflow and task in English; their names
are shown to editors as they are ("提交给Moderators approval"), so the demo gives them Chinese
names (demo/content/accounts.toml, [moderation])."""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from demo.content import content_load

_CONTENT = content_load("accounts")["moderation"]


@transaction.atomic
def demo_moderation_install() -> Workflow:
    """One active workflow on the root page with one task approved by the Moderators group;
    running it again changes nothing."""
    moderators = Group.objects.get(name=_CONTENT["group"])
    root = Page.get_first_root_node()
    assigned = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    workflow = assigned.workflow if assigned else Workflow()
    workflow.name, workflow.active = _CONTENT["workflow"], True
    workflow.save()
    if not assigned:
        WorkflowPage.objects.create(page=root, workflow=workflow)
    task = (
        GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow).first()
        or GroupApprovalTask()
    )
    task.name, task.active = _CONTENT["task"], True
    task.save()
    task.groups.set([moderators])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow
