"""Single-machine defaults for `make run`: SQLite, filesystem broker, local memory cache."""

from .base import *  # noqa: F403

# `make run` serves static files through WhiteNoise straight from the apps, no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
