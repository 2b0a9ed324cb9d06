from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


@pytest.fixture
def datasets(db):
    from apps.datasets.demo import demo_datasets_ensure

    return demo_datasets_ensure()


@pytest.fixture
def real():
    return REAL
