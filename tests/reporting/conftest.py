import datetime

import pytest

from binome.conventions.models import Convention


@pytest.fixture
def conventions(world):
    """The world's conventions in force over the whole period the tests travel through."""
    Convention.objects.update(start_date=datetime.date(2020, 1, 1), end_date=None)
    return Convention.objects.all()
