"""The editorial set-up of courses: Editors submit, Reviewers approve, then it is published."""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from apps.accounts import roles
from apps.courses.models import CourseIndexPage

WORKFLOW_NAME = "Course review"


@transaction.atomic
def course_workflow_sync() -> Workflow:
    """Create the review workflow and attach it to every course catalogue (and so every course)."""
    reviewers, _ = Group.objects.get_or_create(name=roles.REVIEWER)
    task = GroupApprovalTask.objects.filter(name="Reviewer approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Reviewer approval")
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0}
    )
    for index in CourseIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow
