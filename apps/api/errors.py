"""Every API error as application/problem+json (RFC 9457), mapped in one place."""

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM = "application/problem+json"


class FormatNotAvailable(exceptions.NotAcceptable):
    default_detail = "Unknown format. Use json, csv, xml, kvn, tle or 3le."


def problem_response(status_code: int, title: str, detail, errors=None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM)


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    errors = None
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        detail = str(data["detail"])
    elif isinstance(data, dict):
        detail = "Some parameters are not valid."
        errors = [
            {
                "field": field,
                "messages": [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])],
            }
            for field, msgs in data.items()
        ]
    else:
        detail = " ".join(str(item) for item in data)
    title = {
        status.HTTP_400_BAD_REQUEST: "Bad request",
        status.HTTP_401_UNAUTHORIZED: "Authentication required",
        status.HTTP_403_FORBIDDEN: "Forbidden",
        status.HTTP_404_NOT_FOUND: "Not found",
        status.HTTP_406_NOT_ACCEPTABLE: "Not acceptable",
        status.HTTP_429_TOO_MANY_REQUESTS: "Too many requests",
    }.get(response.status_code, "Error")
    problem = problem_response(response.status_code, title, detail, errors)
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            problem[header] = response[header]
    # Renderers for CSV, TLE… cannot draw an error: problems are always JSON.
    from apps.api.renderers import ProblemJSONRenderer

    request = context["request"]
    request.accepted_renderer = ProblemJSONRenderer()
    request.accepted_media_type = PROBLEM
    return problem
