"""A NUL character anywhere in what is sent gets a French 400 page, never a 500 (PostgreSQL refuses it)."""

import html

from django.urls import reverse

from binome.accounts.models import Role
from binome.utils.nul_guard import MESSAGE
from binome.youths.models import Youth
from tests.youths.factories import YouthFactory, years_ago


def refused(response):
    return response.status_code == 400 and MESSAGE in html.unescape(response.content.decode())


def test_a_name_holding_a_nul_is_refused_in_french_and_nothing_is_saved(world, member, client_for):
    client = client_for(member(Role.REFERRER))
    data = {
        "first_name": "Inès\x00",
        "last_name": "Benali",
        "birth_date": years_ago(13).isoformat(),
        "gender": "f",
        "legal_status": "parents",
        "authority_holders": "2",
        "modality": "in_person",
    }
    assert refused(client.post(reverse("youths:create"), data))
    assert not Youth.objects.exists()


def test_a_search_holding_a_nul_is_refused_and_the_list_still_opens(world, member, client_for):
    """The 500 found by fuzzing: the words were kept in the session, then the list's query failed."""
    YouthFactory(ase_service=world["ase_service"], last_name="Benali")
    client = client_for(member(Role.REFERRER))
    assert refused(client.post(reverse("youths:list"), {"q": "Ben\x00ali"}))
    response = client.get(reverse("youths:list"))
    assert response.status_code == 200 and "Benali" in response.content.decode()


def test_a_nul_in_the_query_string_or_a_field_name_is_refused(world, member, client_for):
    client = client_for(member(Role.PILOT))
    assert refused(client.get(reverse("youths:list"), {"page": "1\x00"}))
    assert refused(client.post(reverse("youths:list"), {"q\x00": "Benali"}))


def test_ordinary_text_passes(world, member, client_for):
    client = client_for(member(Role.REFERRER))
    assert client.post(reverse("youths:list"), {"q": "Benali"}).status_code == 302
