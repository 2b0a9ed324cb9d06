from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.partners.fault_server import FaultServer

REAL_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def partner_server_session() -> Iterator[FaultServer]:
    """One fault server on 127.0.0.1 for the whole run, serving the real partner files."""
    server = FaultServer(REAL_DATA).start()
    yield server
    server.stop()


@pytest.fixture
def partner_server(partner_server_session: FaultServer) -> FaultServer:
    """The shared server with its counters, request log and canned bodies emptied."""
    partner_server_session.reset()
    return partner_server_session
