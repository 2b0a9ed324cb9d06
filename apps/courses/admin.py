from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.courses.models import Certificate
from apps.courses.services.certificates import certificate_revoke


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "learner_name", "course_title", "language", "issued_at", "revoked_at"]
    list_filter = ["language", "revoked_at"]
    search_fields = ["code", "learner_name", "course_title"]
    readonly_fields = ["enrolment", "code", "learner_name", "course_title", "language", "issued_at"]
    fields = readonly_fields + ["revoked_at", "revoked_reason"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # certificates are issued by completing a course, never by hand

    def has_delete_permission(self, request, obj=None):
        return False  # a revoked certificate stays, so its verification page can say so

    @admin.action(description=_("Revoke the selected certificates"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for certificate in queryset.filter(revoked_at__isnull=True):
            certificate_revoke(certificate=certificate, reason=str(_("Revoked by staff.")))
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d certificate revoked.", "%(count)d certificates revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
