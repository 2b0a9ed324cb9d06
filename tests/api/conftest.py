import pytest
from rest_framework.test import APIClient

from tests.datasets.conftest import REAL  # noqa: F401


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def loaded(db):
    """The demo datasets with the real fixtures loaded (one release each)."""
    from apps.datasets.demo import demo_datasets_ensure, demo_datasets_load

    demo_datasets_load()
    return demo_datasets_ensure()
