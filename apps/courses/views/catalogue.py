from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from apps.core.languages import language_choices
from apps.courses.models import CoursePage, Enrolment


class CatalogueFilterForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *CoursePage.Topic.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *CoursePage.Level.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]


def catalogue_context(request, index) -> dict:
    """Courses in the visitor's language where translated, else in their original language.

    Two queries whatever the number of courses: the courses with their locales, and the
    visitor's enrolments.
    """
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    current = Locale.get_active()
    names = dict(language_choices())
    versions: dict = {}
    for course in CoursePage.objects.live().select_related("locale").order_by("path"):
        versions.setdefault(course.translation_key, []).append(course)
    cards = []
    for group in versions.values():
        languages = sorted(c.locale.language_code for c in group)
        if filters.get("language") and filters["language"] not in languages:
            continue
        shown = next((c for c in group if c.locale_id == current.pk), None) or group[0]
        if filters.get("topic") and shown.topic != filters["topic"]:
            continue
        if filters.get("level") and shown.level != filters["level"]:
            continue
        cards.append(
            {
                "course": shown,
                "languages": languages,
                "language_names": [names[c] for c in languages],
            }
        )
    enrolled = set()
    if request.user.is_authenticated:
        enrolled = set(
            Enrolment.objects.filter(user=request.user).values_list("course_key", flat=True)
        )
    for card in cards:
        card["enrolled"] = card["course"].translation_key in enrolled
    return {"filter_form": form, "cards": cards}
