from functools import wraps

from django.shortcuts import render

from apps.courses.errors import LearningError


def learning_error_response(request, error: LearningError, *, page=None):
    return render(
        request,
        "courses/error.html",
        {"message": error.message, "page": page, "back_url": page.url if page else None},
        status=error.status,
    )


def maps_learning_errors(view):
    """Turn the learning flows' one error type into a clear page with its HTTP status."""

    @wraps(view)
    def wrapper(request, page, *args, **kwargs):
        try:
            return view(request, page, *args, **kwargs)
        except LearningError as error:
            return learning_error_response(request, error, page=page)

    return wrapper
