"""Datasets are sequences of immutable releases. Every record version knows the release it
appeared in and the one that superseded or withdrew it (none while current): this gives atomic
publishing, history, as-of reads, change feeds and diffs with no update in place."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation


class Dataset(models.Model):
    class Kind(models.TextChoices):
        SPACE_OBJECTS = "space_objects", _("Space object catalogue")
        ELEMENT_SETS = "element_sets", _("Orbital element sets")
        CURATED_TABLE = "table", _("Curated table")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Public")
        REGISTERED = "registered", _("Registered users")
        PARTNERS = "partners", _("Partner agencies")
        NAMED = "named", _("Named partners only")

    class Frequency(models.TextChoices):
        # DCAT frequency vocabulary (EU Publications Office), by its own codes.
        CONTINUOUS = "CONT", _("Continuously updated")
        HOURLY = "HOURLY", _("Hourly")
        DAILY = "DAILY", _("Daily")
        WEEKLY = "WEEKLY", _("Weekly")
        IRREGULAR = "IRREG", _("Irregular")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # {language code: text}; the page shows the visitor's language, else English.
    title = models.JSONField(_("title"))
    description = models.JSONField(_("description"), default=dict)
    publisher = models.ForeignKey(
        Organisation, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="+"
    )
    licence_name = models.CharField(_("licence"), max_length=200)
    licence_url = models.URLField(_("licence address"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    temporal_start = models.DateField(_("coverage from"), null=True, blank=True)
    temporal_end = models.DateField(_("coverage to"), null=True, blank=True)
    spatial_coverage = models.CharField(_("spatial coverage"), max_length=200, blank=True)
    update_frequency = models.CharField(
        _("update frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    access = models.CharField(
        _("access"), max_length=12, choices=Access.choices, default=Access.PUBLIC
    )
    object_catalogue = models.ForeignKey(
        "self",
        verbose_name=_("object catalogue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "For element sets: the catalogue that lists, as far as the elements tell, objects "
            "it does not know yet."
        ),
    )
    # For curated tables: the Frictionless Table Schema every upload is validated against.
    table_schema = models.JSONField(_("table schema"), default=dict, blank=True)
    named_partners = models.ManyToManyField(
        Organisation, verbose_name=_("named partners"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.localized_title

    @property
    def localized_title(self) -> str:
        return self.title.get(get_language() or "en") or self.title.get("en") or self.slug

    @property
    def localized_description(self) -> str:
        return self.description.get(get_language() or "en") or self.description.get("en", "")


class Release(models.Model):
    class Source(models.TextChoices):
        FILE = "file", _("File load")
        UPLOAD = "upload", _("Upload")
        SYNC = "sync", _("Partner sync")

    dataset = models.ForeignKey(Dataset, related_name="releases", on_delete=models.PROTECT)
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the release's records")
    record_count = models.PositiveIntegerField()
    added = models.PositiveIntegerField()
    changed = models.PositiveIntegerField()
    withdrawn = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    source_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="datasets_release_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug} #{self.number}"


class RecordVersion(models.Model):
    """Common to every kind of record: which release brought it and which one ended it.

    `KEY` names the field that identifies a record across releases (what a diff compares)."""

    KEY = "norad_cat_id"

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=32)
    # Hash of the record as the partner sent it: a re-sync recognises an unchanged record
    # before validating it again (empty for records not loaded from a payload).
    raw_hash = models.CharField(max_length=32, blank=True, default="")
    appeared_in = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="+")
    superseded_in = models.ForeignKey(
        Release, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        abstract = True


class StoredTexts(models.Model):
    """The version as the API writes it, made once at ingest (see
    apps/datasets/representations.py: stored_texts): its JSON object without the closing brace
    and its CSV line, both without the superseding release, which is added on read."""

    json_text = models.TextField(default="", editable=False)
    csv_text = models.TextField(default="", editable=False)

    class Meta:
        abstract = True


class SpaceObject(StoredTexts, RecordVersion):
    """A version of one SATCAT row (CelesTrak fields, lower-cased)."""

    class Source(models.TextChoices):
        SATCAT = "satcat", _("Satellite catalogue")
        ELEMENTS = "elements", _("Element sets only")

    norad_cat_id = models.PositiveBigIntegerField()  # 9-digit catalogue numbers fit
    # Objects known only from element sets carry what the elements say; the rest stays unknown.
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SATCAT)

    object_name = models.CharField(max_length=100)
    object_id = models.CharField(max_length=20, blank=True)
    object_type = models.CharField(max_length=10, blank=True)
    ops_status_code = models.CharField(max_length=5, blank=True)
    owner = models.CharField(max_length=10, blank=True)
    launch_date = models.DateField(null=True, blank=True)
    launch_site = models.CharField(max_length=10, blank=True)
    decay_date = models.DateField(null=True, blank=True)
    period = models.FloatField(null=True, blank=True)
    inclination = models.FloatField(null=True, blank=True)
    apogee = models.FloatField(null=True, blank=True)
    perigee = models.FloatField(null=True, blank=True)
    rcs = models.FloatField(null=True, blank=True)
    data_status_code = models.CharField(max_length=5, blank=True)
    orbit_center = models.CharField(max_length=5, blank=True)
    orbit_type = models.CharField(max_length=5, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["dataset", "norad_cat_id"], name="datasets_so_norad"),
            # Current records in API order (norad, then id): a page is an index range scan.
            models.Index(
                fields=["dataset", "norad_cat_id", "id"],
                condition=Q(superseded_in__isnull=True),
                name="datasets_so_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.norad_cat_id} {self.object_name}"


class ElementSet(StoredTexts, RecordVersion):
    """A version of one object's CCSDS OMM mean elements, with values derived at ingest."""

    norad_cat_id = models.PositiveBigIntegerField()
    object_name = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=20, blank=True)
    epoch = models.DateTimeField()
    mean_motion = models.FloatField()
    eccentricity = models.FloatField()
    inclination = models.FloatField()
    ra_of_asc_node = models.FloatField()
    arg_of_pericenter = models.FloatField()
    mean_anomaly = models.FloatField()
    ephemeris_type = models.PositiveSmallIntegerField(default=0)
    classification_type = models.CharField(max_length=1, default="U")
    element_set_no = models.PositiveIntegerField(default=0)
    rev_at_epoch = models.PositiveIntegerField(default=0)
    bstar = models.FloatField(default=0)
    mean_motion_dot = models.FloatField(default=0)
    mean_motion_ddot = models.FloatField(default=0)
    # Derived with sgp4 at ingest.
    semimajor_axis = models.FloatField()
    period = models.FloatField()
    perigee_altitude = models.FloatField()
    apogee_altitude = models.FloatField()
    regime = models.CharField(max_length=4)
    in_leo_protected_region = models.BooleanField()
    in_geo_protected_region = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["dataset", "norad_cat_id"], name="datasets_es_norad"),
            # Current records in API order (norad, then id): a page is an index range scan.
            models.Index(
                fields=["dataset", "norad_cat_id", "id"],
                condition=Q(superseded_in__isnull=True),
                name="datasets_es_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.norad_cat_id} @ {self.epoch:%Y-%m-%d %H:%M}"


class TableRow(RecordVersion):
    """A version of one row of a curated table, identified by its schema's primary key."""

    KEY = "row_key"

    # The primary key's values joined by a unit separator: stable, sortable, one column.
    row_key = models.CharField(max_length=300)
    data = models.JSONField()

    class Meta:
        indexes = [
            models.Index(
                fields=["dataset", "row_key", "id"],
                condition=Q(superseded_in__isnull=True),
                name="datasets_tr_current",
            ),
        ]

    def __str__(self) -> str:
        return self.row_key


class TableUpload(models.Model):
    """One CSV an editor uploaded to a curated table, and what became of it."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published as a new release")
        UNCHANGED = "unchanged", _("Valid, nothing changed")
        REJECTED = "rejected", _("Rejected, nothing published")

    dataset = models.ForeignKey(Dataset, related_name="uploads", on_delete=models.CASCADE)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The first errors, each {"row", "field", "message"}; the count above says how many in all.
    errors = models.JSONField(default=list, blank=True)
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("table upload")
        verbose_name_plural = _("table uploads")

    def __str__(self) -> str:
        return f"{self.dataset.slug}: {self.filename}"


class ReleaseFile(models.Model):
    """A whole release prepared once as a gzip file, with its checksum, for bulk download."""

    release = models.ForeignKey(Release, related_name="files", on_delete=models.CASCADE)
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="releases/")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "format"], name="datasets_release_file_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.release} {self.format}"
