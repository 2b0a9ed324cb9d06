"""Single-machine defaults for `make run`: SQLite, filesystem broker, local memory cache."""

from .base import *  # noqa: F403

DEBUG = True
