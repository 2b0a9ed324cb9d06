def only_api_v1(endpoints):
    """The published schema documents API v1 only (not the Wagtail admin's internal API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
