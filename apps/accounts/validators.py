import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Categories that never belong in a person's name: control, unassigned, private use, surrogates.
_FORBIDDEN_CATEGORIES = {"Cc", "Cn", "Co", "Cs"}
_FORBIDDEN_CHARACTERS = set("<>{}\\\ufffd")
# Bidirectional controls can make a name on a certificate read differently from what is stored.
_FORBIDDEN_CHARACTERS |= {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def validate_person_name(value: str) -> None:
    """Names appear on certificates: letters of any script, spaces, dots, hyphens, apostrophes."""
    for character in value:
        if character in _FORBIDDEN_CHARACTERS or (
            unicodedata.category(character) in _FORBIDDEN_CATEGORIES
        ):
            raise ValidationError(
                _("Enter your name without the characters < > { } \\ or invisible symbols."),
                code="invalid_name_character",
            )
    if not any(unicodedata.category(c).startswith("L") for c in value):
        raise ValidationError(_("Enter your name using letters."), code="name_without_letters")
