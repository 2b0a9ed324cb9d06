import factory
from allauth.account.models import EmailAddress

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import Organisation, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Space Agency {n}")
    slug = factory.Sequence(lambda n: f"space-agency-{n}")
    country = "KE"


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose email is verified, so they can sign in at once."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@agency.example")
    name = factory.Faker("name")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
