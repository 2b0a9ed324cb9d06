"""The portal's groups and what each may do, kept in sync idempotently after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_noop

LEARNER = "Learner"
COORDINATOR = "Coordinator"
EDITOR = "Editor"
REVIEWER = "Reviewer"
PARTNER = "Partner"
ADMIN = "Admin"

# Translators: the groups' descriptions, shown to staff deciding who gets which role.
ROLE_DESCRIPTIONS: dict[str, str] = {
    LEARNER: gettext_noop("Takes courses and earns certificates."),
    COORDINATOR: gettext_noop("Enrols staff of their organisation and follows their progress."),
    EDITOR: gettext_noop("Writes and translates course modules and submits them for review."),
    REVIEWER: gettext_noop("Reviews, approves and publishes course modules."),
    PARTNER: gettext_noop("Manages their agency's API keys and pulls partner datasets."),
    ADMIN: gettext_noop("Runs the portal: users, organisations, datasets and settings."),
}

# Groups whose members must protect their login with a second factor.
MFA_REQUIRED_GROUPS: frozenset[str] = frozenset({COORDINATOR, EDITOR, REVIEWER, ADMIN})

_ADMIN_ACCESS = [("wagtailadmin", "access_admin")]
_MEDIA_EDIT = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
_TRANSLATE = [("wagtail_localize", "submit_translation")]
# Curated tables: define them (a dataset of that kind), upload CSV, read the reports.
_CURATE = [
    ("datasets", "add_dataset"),
    ("datasets", "change_dataset"),
    ("datasets", "add_tableupload"),
    ("datasets", "view_tableupload"),
]

MODEL_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    LEARNER: [],
    COORDINATOR: [("accounts", "view_organisation_progress")],
    EDITOR: _ADMIN_ACCESS + _MEDIA_EDIT + _TRANSLATE + _CURATE,
    REVIEWER: _ADMIN_ACCESS
    + _MEDIA_EDIT
    + _TRANSLATE
    + _CURATE
    + [("courses", "view_course_reports")],
    PARTNER: [("accounts", "manage_api_keys")],
}

# Wagtail page permissions, granted on the root of the page tree.
PAGE_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: ["add_page", "change_page"],
    REVIEWER: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    ADMIN: [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "bulk_delete_page",
    ],
}
COLLECTION_PERMISSIONS = [perm for _, perm in _MEDIA_EDIT]


def _permissions(pairs: list[tuple[str, str]]) -> list[Permission]:
    found = []
    for app_label, codename in pairs:
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is not None:
            found.append(perm)
    return found


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create or update the six groups and their permissions. Safe to run any number of times."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    groups: dict[str, Group] = {}
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for name in ROLE_DESCRIPTIONS:
        group, _ = Group.objects.get_or_create(name=name)
        if name == ADMIN:
            # Admins run the portal: every model permission there is, including future ones.
            group.permissions.set(Permission.objects.all())
        else:
            group.permissions.add(*_permissions(MODEL_PERMISSIONS[name]))
        groups[name] = group
        if root_page is not None:
            for codename in PAGE_PERMISSIONS.get(name, []):
                perm = Permission.objects.filter(
                    content_type__app_label="wagtailcore", codename=codename
                ).first()
                if perm is not None:
                    GroupPagePermission.objects.get_or_create(
                        group=group, page=root_page, permission=perm
                    )
        if root_collection is not None and name in {EDITOR, REVIEWER, ADMIN}:
            for perm in _permissions(
                [("wagtailimages", c) for c in COLLECTION_PERMISSIONS if c.endswith("image")]
                + [("wagtaildocs", c) for c in COLLECTION_PERMISSIONS if c.endswith("document")]
            ):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )
    return groups
