from rest_framework.negotiation import DefaultContentNegotiation

from apps.api.errors import FormatNotAvailable


class StrictContentNegotiation(DefaultContentNegotiation):
    """An unknown `format=` is a 406 Not Acceptable, not DRF's 404."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise FormatNotAvailable()
        return matching
