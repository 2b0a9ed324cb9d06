import pytest

from apps.accounts.demo import DEMO_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the six-language home pages and the role groups."""
    from apps.core.demo import demo_home_pages_load

    with django_db_blocker.unblock():
        demo_home_pages_load()


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def learner(db):
    from tests.accounts.factories import UserFactory

    return UserFactory(email="ana@agency.example", name="Ana Learner")


@pytest.fixture(scope="session")
def portal_server(tmp_path_factory):
    """The whole portal on embedded defaults, started once for the boot and browser tests."""
    from tests.portal_server import portal_start, portal_stop

    server = portal_start(tmp_path_factory.mktemp("portal-var"))
    yield server
    portal_stop(server)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
