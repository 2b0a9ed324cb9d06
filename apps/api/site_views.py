"""Partner coordinators manage their organisation's API keys and see their usage."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.api.keys import api_key_create, api_key_revoke
from apps.api.models import ApiKey, ApiKeyUsage
from apps.core.charts import bar_chart
from apps.datasets.selectors import datasets_visible_to

USAGE_DAYS = 30


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the key is for, e.g. “nightly mirror”."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Expires after"),
        coerce=int,
        initial=365,
        choices=[
            (30, gettext_lazy("30 days")),
            (90, gettext_lazy("90 days")),
            (365, gettext_lazy("1 year")),
            (0, gettext_lazy("Never")),
        ],
    )
    datasets = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Datasets"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every dataset your organisation may read."),
    )

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datasets"].queryset = datasets_visible_to(user).order_by("slug")
        self.organisation = organisation


def _organisation(request):
    user = request.user
    organisation = user.organisation
    if organisation is None or not organisation.is_partner:
        raise PermissionDenied
    if not (user.is_coordinator or user.has_perm("accounts.manage_api_keys")):
        raise PermissionDenied
    return organisation


@login_required
def key_list(request):
    organisation = _organisation(request)
    form = ApiKeyForm(request.POST or None, organisation=organisation, user=request.user)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        created = api_key_create(
            organisation=organisation,
            name=form.cleaned_data["name"],
            created_by=request.user,
            datasets=form.cleaned_data["datasets"],
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        new_secret = created.secret  # rendered once, in this response only
        form = ApiKeyForm(organisation=organisation, user=request.user)
    keys = list(organisation.api_keys.prefetch_related("datasets"))
    since = timezone.now().date() - timedelta(days=USAGE_DAYS - 1)
    usage = ApiKeyUsage.objects.filter(key__organisation=organisation, day__gte=since)
    per_day: dict = {}
    for row in usage:
        per_day[row.day] = per_day.get(row.day, 0) + row.requests
    chart = bar_chart(
        _("Requests per day, last 30 days"),
        [
            (
                (since + timedelta(days=i)).strftime("%m-%d"),
                per_day.get(since + timedelta(days=i), 0),
            )
            for i in range(USAGE_DAYS)
        ],
    )
    totals = {key.pk: 0 for key in keys}
    for row in usage:
        totals[row.key_id] = totals.get(row.key_id, 0) + row.requests
    response = render(
        request,
        "api/keys.html",
        {
            "organisation": organisation,
            "keys": keys,
            "form": form,
            "new_secret": new_secret,
            "chart": chart,
            "totals": totals,
        },
    )
    response["Cache-Control"] = "no-store"  # the page may hold a new secret
    return response


@login_required
@require_POST
def key_revoke(request, pk: int):
    organisation = _organisation(request)
    key = get_object_or_404(ApiKey, pk=pk, organisation=organisation)
    api_key_revoke(key=key)
    return redirect("api_keys:list")


def api_guide(request):
    return render(
        request, "api/guide.html", {"base_url": request.build_absolute_uri("/").rstrip("/")}
    )
