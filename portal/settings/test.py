"""Test settings: the base settings, fast password hashing and in-memory mail.

DATABASE_URL, REDIS_URL and CELERY_BROKER_URL switch the suite to PostgreSQL and Redis.
"""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
WHITENOISE_USE_FINDERS = True
