"""The one error type of the learning flows; views map it to an HTTP status once."""

from django.utils.translation import gettext_lazy as _


class LearningError(Exception):
    status = 400
    default_message = _("That request could not be processed. Nothing was changed.")

    def __init__(self, message: str | None = None):
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class InvalidAnswer(LearningError):
    default_message = _("That answer is not one of the options. Nothing was recorded.")


class NotEnrolled(LearningError):
    status = 403
    default_message = _("Enrol in this course first. Nothing was recorded.")


class AttemptLimitReached(LearningError):
    status = 403
    default_message = _("You have used all the attempts allowed for this assessment.")


class AttemptNotYours(LearningError):
    status = 404
    default_message = _("That attempt does not exist. Nothing was recorded.")


class AlreadySubmitted(LearningError):
    status = 409
    default_message = _("This attempt was already submitted. Your first submission counts.")


class LessonsIncomplete(LearningError):
    status = 409
    default_message = _("Answer every knowledge check in this lesson before marking it complete.")
