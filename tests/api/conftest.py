import pytest
from rest_framework.test import APIClient

from binome.api.models import Scope
from binome.api.services import token_create

ALL_SCOPES = list(Scope.values)


@pytest.fixture
def token_for(db):
    """token_for(association, ["pairs:read"]) → the raw token."""

    def make(association, scopes=None, **kwargs):
        _, raw = token_create(association=association, name="CRM", scopes=scopes or ALL_SCOPES, **kwargs)
        return raw

    return make


@pytest.fixture
def api_for(token_for):
    """api_for(association, scopes) → a DRF client sending that association's token."""

    def make(association, scopes=None):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(association, scopes)}")
        return client

    return make


@pytest.fixture
def api(world, api_for):
    return api_for(world["association"])
