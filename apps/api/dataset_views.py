"""API v1 endpoints about datasets as a whole: the list, releases, exports, DCAT."""

from django.http import StreamingHttpResponse
from django.utils.http import quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.export import release_csv, release_json
from apps.api.renderers import CSVRenderer
from apps.api.views import visible
from apps.datasets.models import Dataset, Release
from apps.datasets.selectors import record_endpoint, release_latest


class DatasetList(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        rows = []
        for dataset in visible(request).select_related("publisher").order_by("slug"):
            latest = release_latest(dataset)
            rows.append(dataset_summary(dataset, latest, request))
        return Response({"results": rows})


def dataset_summary(dataset: Dataset, latest: Release | None, request) -> dict:
    return {
        "slug": dataset.slug,
        "kind": dataset.kind,
        "title": dataset.localized_title,
        "description": dataset.localized_description,
        "publisher": dataset.publisher.name,
        "licence": {"name": dataset.licence_name, "url": dataset.licence_url or None},
        "keywords": dataset.keywords,
        "update_frequency": dataset.update_frequency,
        "access": dataset.access,
        "current_release": latest.number if latest else None,
        "record_count": latest.record_count if latest else 0,
        "modified": latest.created_at.isoformat() if latest else None,
    }


class DatasetReleases(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, slug: str):
        dataset = visible(request).filter(slug=slug[:80]).first()
        if dataset is None:
            raise NotFound("No such dataset, or not one you may read.")
        releases = (
            Release.objects.filter(dataset=dataset)
            .prefetch_related("files")
            .order_by("-number")[:1000]
        )
        base = request.build_absolute_uri(f"/api/v1/datasets/{dataset.slug}/releases/")
        return Response(
            {
                "results": [
                    {
                        "number": r.number,
                        "created": r.created_at.isoformat(),
                        "checksum": r.checksum,
                        "record_count": r.record_count,
                        "added": r.added,
                        "changed": r.changed,
                        "withdrawn": r.withdrawn,
                        "source": r.source,
                        "files": [
                            {
                                "format": f.format,
                                "url": f"{base}{r.number}/files/{f.format}.gz",
                                "size": f.size,
                                "sha256": f.sha256,
                            }
                            for f in r.files.all()
                        ],
                    }
                    for r in releases
                ]
            }
        )


class ReleaseExport(APIView):
    """A whole release as one streamed CSV or JSON file."""

    renderer_classes = [JSONRenderer]

    @extend_schema(responses={200: OpenApiTypes.BINARY})
    def get(self, request, slug: str, number: int, extension: str):
        if extension not in ("csv", "json"):
            raise NotFound("Exports are export.csv or export.json.")
        dataset = visible(request).filter(slug=slug[:80]).first()
        if dataset is None:
            raise NotFound("No such dataset, or not one you may read.")
        release = Release.objects.filter(dataset=dataset, number=number).first()
        if release is None:
            raise NotFound(f"Release {number} does not exist.")
        if extension == "csv":
            body, content_type = release_csv(dataset, release), "text/csv; charset=utf-8"
        else:
            body, content_type = release_json(dataset, release), "application/json"
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{dataset.slug}-release-{release.number}.{extension}"'
        )
        response["ETag"] = quote_etag(f"{release.checksum[:32]}-{extension}")
        response["X-Release-Checksum"] = f"sha256:{release.checksum}"
        return response


class DcatCatalog(APIView):
    """The catalogue as DCAT in JSON-LD, for national open-data portals to harvest."""

    renderer_classes = [JSONRenderer]

    FREQUENCIES = {
        "CONT": "CONT",
        "HOURLY": "HOURLY",
        "DAILY": "DAILY",
        "WEEKLY": "WEEKLY",
        "IRREG": "IRREG",
    }

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        base = request.build_absolute_uri("/").rstrip("/")
        datasets = []
        for dataset in visible(request).select_related("publisher").order_by("slug"):
            latest = release_latest(dataset)
            distributions = [
                {
                    "@type": "dcat:Distribution",
                    "dcat:accessURL": {"@id": f"{base}{record_endpoint(dataset)}"},
                    "dcat:mediaType": "application/json",
                    "dct:format": "JSON",
                }
            ]
            if latest is not None:
                for extension, media in (("csv", "text/csv"), ("json", "application/json")):
                    distributions.append(
                        {
                            "@type": "dcat:Distribution",
                            "dcat:downloadURL": {
                                "@id": f"{base}/api/v1/datasets/{dataset.slug}/releases/"
                                f"{latest.number}/export.{extension}"
                            },
                            "dcat:mediaType": media,
                            "spdx:checksum": {
                                "@type": "spdx:Checksum",
                                "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                                "spdx:checksumValue": latest.checksum,
                            },
                        }
                    )
            datasets.append(
                {
                    "@id": f"{base}/en/datasets/{dataset.slug}/",
                    "@type": "dcat:Dataset",
                    "dct:identifier": dataset.slug,
                    "dct:title": [{"@language": k, "@value": v} for k, v in dataset.title.items()],
                    "dct:description": [
                        {"@language": k, "@value": v} for k, v in dataset.description.items()
                    ],
                    "dct:publisher": {
                        "@type": "foaf:Organization",
                        "foaf:name": dataset.publisher.name,
                    },
                    "dct:license": {"@id": dataset.licence_url}
                    if dataset.licence_url
                    else dataset.licence_name,
                    "dcat:keyword": dataset.keywords,
                    "dcat:theme": dataset.themes,
                    "dct:accrualPeriodicity": {
                        "@id": "http://publications.europa.eu/resource/authority/frequency/"
                        + self.FREQUENCIES.get(dataset.update_frequency, "IRREG")
                    },
                    "dct:modified": latest.created_at.isoformat() if latest else None,
                    "dcat:contactPoint": {
                        "@type": "vcard:Kind",
                        "vcard:fn": dataset.contact_name,
                        **(
                            {"vcard:hasEmail": f"mailto:{dataset.contact_email}"}
                            if dataset.contact_email
                            else {}
                        ),
                    },
                    "dcat:distribution": distributions,
                }
            )
        body = {
            "@context": {
                "dcat": "http://www.w3.org/ns/dcat#",
                "dct": "http://purl.org/dc/terms/",
                "foaf": "http://xmlns.com/foaf/0.1/",
                "vcard": "http://www.w3.org/2006/vcard/ns#",
                "spdx": "http://spdx.org/rdf/terms#",
            },
            "@id": f"{base}/api/v1/catalog.jsonld",
            "@type": "dcat:Catalog",
            "dct:title": "Orbital Commons",
            "dcat:dataset": datasets,
        }
        return Response(body, content_type="application/ld+json")


class ReleaseFileDownload(APIView):
    """A prepared, gzip-compressed file of a whole release."""

    renderer_classes = [JSONRenderer]

    @extend_schema(responses={200: OpenApiTypes.BINARY})
    def get(self, request, slug: str, number: int, format_name: str):
        from django.http import FileResponse

        from apps.datasets.models import ReleaseFile

        dataset = visible(request).filter(slug=slug[:80]).first()
        if dataset is None:
            raise NotFound("No such dataset, or not one you may read.")
        prepared = ReleaseFile.objects.filter(
            release__dataset=dataset, release__number=number, format=format_name[:10]
        ).first()
        if prepared is None:
            raise NotFound("No such file (it may still be being prepared; see the release list).")
        try:
            stream = prepared.file.open("rb")
        except OSError:
            # The record outlived its file (media storage wiped): the beat sweep cannot tell.
            raise NotFound(
                "This file is missing on the server; ask the portal's operators."
            ) from None
        response = FileResponse(
            stream, as_attachment=True, filename=prepared.file.name.split("/")[-1]
        )
        response["Content-Type"] = "application/gzip"
        response["X-Content-SHA256"] = prepared.sha256
        return response
