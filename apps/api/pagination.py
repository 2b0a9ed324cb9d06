from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class RecordCursorPagination(CursorPagination):
    """Cursor pages: stable under concurrent releases; 100 by default, at most 1000."""

    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"
    ordering = ("norad_cat_id", "id")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": ["Must be a whole number."]}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be between 1 and {self.max_page_size}."]})
        return size

    def _get_position_from_instance(self, instance, ordering):
        # A JSON page is read as plain tuples (id, ordering value, text): no object per row.
        if type(instance) is tuple:
            return None if instance[1] is None else str(instance[1])
        return super()._get_position_from_instance(instance, ordering)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {"cursor": ["This cursor is not valid; start again without it."]}
            ) from None
