"""Editors' translation work: wagtail-localize PO export/import, and the status report."""

import io

import polib
import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from apps.courses.models import LessonPage
from apps.courses.translation_status import translation_gaps
from tests.accounts.factories import UserFactory
from tests.courses.builders import translate

pytestmark = pytest.mark.django_db


def test_po_export_and_import_through_wagtail_localize(tree):
    lesson = LessonPage.objects.get(pk=tree.lessons[0].pk)
    for ancestor in (tree.course, tree.modules[0]):
        translate(ancestor, "fr")
    source, _ = TranslationSource.get_or_create_from_instance(lesson)
    translation = Translation.objects.create(
        source=source, target_locale=Locale.objects.get(language_code="fr")
    )
    po = polib.pofile(str(translation.export_po()))
    msgids = [entry.msgid for entry in po]
    assert "Lesson 1.1" in msgids
    assert any("post-mission disposal" in m for m in msgids)  # the knowledge check is exported
    for entry in po:
        entry.msgstr = {"Lesson 1.1": "Leçon 1.1"}.get(entry.msgid, f"FR {entry.msgid}")
    translation.import_po(po)
    translation.save_target(publish=True)
    french = lesson.get_translation(Locale.objects.get(language_code="fr"))
    assert french.title == "Leçon 1.1"
    assert french.translation_key == lesson.translation_key
    check = french.specific.knowledge_checks()[0]
    assert check.id == lesson.knowledge_checks()[0].id  # same question identity: progress holds


def test_status_lists_untranslated_and_outdated_pages(tree):
    translated = translate(tree.lessons[0], "es")
    gaps = translation_gaps(["es"])
    missing = {g.source.pk for g in gaps if g.status == "missing"}
    assert tree.lessons[0].pk not in missing and tree.lessons[1].pk in missing
    lesson = LessonPage.objects.get(pk=tree.lessons[0].pk)
    lesson.title = "Lesson 1.1 (updated)"
    lesson.save_revision().publish()
    outdated = [g for g in translation_gaps(["es"]) if g.status == "outdated"]
    assert [g.source.pk for g in outdated] == [lesson.pk]
    assert translated.pk != lesson.pk


def test_status_command_and_admin_report(client, tree):
    out = io.StringIO()
    call_command("translation_status", "ar", stdout=out)
    assert "ar: " in out.getvalue() and "untranslated" in out.getvalue()
    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    response = client.get("/admin/translation-status/")
    assert response.status_code == 200
    assert "Lesson 1.1" in response.content.decode()
