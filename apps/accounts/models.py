from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from apps.accounts.managers import UserManager
from apps.accounts.validators import validate_person_name
from apps.core.languages import DEFAULT_LANGUAGE, LANGUAGES


class Organisation(models.Model):
    """An agency, institute or company whose staff learn here; partners also pull data."""

    class Kind(models.TextChoices):
        SPACE_AGENCY = "space_agency", _("Space agency")
        GOVERNMENT = "government", _("Government body")
        RESEARCH = "research", _("Research institute or university")
        INTERNATIONAL = "international", _("International organisation")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.SPACE_AGENCY
    )
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_partner = models.BooleanField(
        _("partner agency"),
        default=False,
        help_text=_("Partner agencies may hold API keys and pull restricted datasets."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            (
                "view_organisation_progress",
                _("Can follow the progress of the organisation's staff"),
            ),
            ("manage_api_keys", _("Can manage the organisation's API keys")),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; there is no username."""

    class OrganisationRole(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(
        _("full name"), max_length=150, blank=True, validators=[validate_person_name]
    )
    country = CountryField(_("country"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        related_name="members",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    organisation_role = models.CharField(
        _("role in organisation"),
        max_length=20,
        choices=OrganisationRole.choices,
        default=OrganisationRole.MEMBER,
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=LANGUAGES, default=DEFAULT_LANGUAGE
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin sites."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Emails are unique whatever their case: Ana@x.org and ana@x.org are one person.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name.split() or [self.email])[0]

    @property
    def is_coordinator(self) -> bool:
        return (
            self.organisation_id is not None
            and self.organisation_role == self.OrganisationRole.COORDINATOR
        )
