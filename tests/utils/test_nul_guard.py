"""A NUL character gets a French message, never a 500 (PostgreSQL refuses it in any text)."""

import html

from django.contrib.messages import get_messages
from django.urls import reverse

from binome.accounts.models import Role
from binome.utils.nul_guard import MESSAGE
from binome.utils.search import NUL_REFUSED
from binome.youths.models import Youth
from tests.youths.factories import YouthFactory, years_ago


def text_of(response):
    return html.unescape(response.content.decode())


def test_a_name_holding_a_nul_is_refused_by_the_form_which_keeps_what_was_typed(world, member, client_for):
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
    response = client.post(reverse("youths:create"), data)
    assert response.status_code == 422
    assert "Le caractère nul n’est pas autorisé." in text_of(response) and 'value="Benali"' in text_of(
        response
    )
    assert not Youth.objects.exists()


def test_a_search_holding_a_nul_is_refused_and_the_list_still_opens(world, member, client_for):
    """The 500 found by fuzzing on PostgreSQL: the words were kept in the session, the list's query failed."""
    YouthFactory(ase_service=world["ase_service"], last_name="Benali")
    client = client_for(member(Role.REFERRER))
    response = client.post(reverse("youths:list"), {"q": "Ben\x00ali"})
    assert NUL_REFUSED in [str(m) for m in get_messages(response.wsgi_request)]
    response = client.get(reverse("youths:list"))
    assert response.status_code == 200 and "Benali" in text_of(response)


def test_a_nul_in_the_query_string_gets_a_french_400_page(world, member, client_for):
    client = client_for(member(Role.PILOT))
    response = client.get(reverse("youths:list"), {"page": "1\x00"})
    assert response.status_code == 400 and MESSAGE in text_of(response)
    assert client.get(reverse("youths:list"), {"page": "2"}).status_code == 200
