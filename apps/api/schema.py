"""OpenAPI documentation helpers (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers

from apps.datasets.representations import DERIVED_FIELDS, ELEMENT_FIELDS, OBJECT_FIELDS


def only_api_v1(endpoints):
    """The published schema documents API v1 only (not the Wagtail admin's internal API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.keys.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key oc_<prefix>_<secret>`, created by partner coordinators.",
        }


def _documented(name: str, fields: list[str], extra: dict | None = None) -> type:
    """A serializer that only documents a response shape (responses are built as plain dicts)."""
    attrs = {field: serializers.JSONField(required=False) for field in fields}
    attrs.update(extra or {})
    return type(name, (serializers.Serializer,), attrs)


SpaceObjectDoc = _documented("SpaceObject", OBJECT_FIELDS + ["release"])
ElementSetDoc = _documented(
    "ElementSet", ELEMENT_FIELDS + DERIVED_FIELDS + ["release", "superseded_in_release"]
)
