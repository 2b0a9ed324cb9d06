"""Partner tokens at rest: encrypted with Fernet (cryptography), shown again only as a hint."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    # A dedicated key when set; otherwise one derived from SECRET_KEY (rotating SECRET_KEY
    # then means re-entering the tokens, which the admin form allows).
    material = settings.SYNC_SECRETS_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"orbital-commons/sync-secrets/{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def secret_decrypt(token: str) -> str:
    """The clear value, or "" when the key changed since it was stored."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def secret_hint(value: str) -> str:
    """Enough to recognise a token, never enough to use it."""
    return f"…{value[-4:]}" if len(value) >= 12 else "…"
