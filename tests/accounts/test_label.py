"""Label Mentorat: recorded by the association's manager or a pilot who knows the association, shown on
the partner's pages and on the association's own team page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.accounts.labels import label_record, label_short, label_summary
from binome.accounts.models import LabelStage, Role
from tests.accounts.factories import AssociationFactory

TODAY = datetime.date(2026, 12, 4)


def _record(association, **kwargs):
    values = {
        "stage": LabelStage.LABELLED,
        "level": 2,
        "since": datetime.date(2026, 1, 12),
        "expires_on": None,
    }
    values.update(kwargs)
    return label_record(association=association, today=TODAY, **values)


def test_a_label_is_recorded_and_summarised(world):
    association = _record(world["association"], expires_on=datetime.date(2029, 1, 11))
    association.refresh_from_db()
    assert (association.label_stage, association.label_level) == ("labelled", 2)
    assert label_short(association, TODAY) == "Labellisée, niveau 2"
    assert (
        label_summary(association, TODAY)
        == "Labellisée au niveau 2 le 12/01/2026, valable jusqu'au 11/01/2029."
    )
    # The day after its end of validity the label is shown as expired.
    assert label_short(association, datetime.date(2029, 1, 12)) == "Niveau 2, échu"
    assert "échu le 11/01/2029" in label_summary(association, datetime.date(2029, 1, 12))
    assert association.history.first().label_stage == "labelled"


def test_candidate_and_engaged_read_plainly(world):
    association = _record(world["association"], stage=LabelStage.CANDIDATE, level=1)
    assert label_short(association, TODAY) == "Candidate (niveau 1 visé)"
    association = _record(world["association"], stage=LabelStage.ENGAGED, level=None)
    assert (
        label_summary(association, TODAY)
        == "Engagée dans la démarche (auto-évaluation) depuis le 12/01/2026."
    )


def test_back_to_no_process_clears_level_and_dates(world):
    association = _record(world["association"])
    association = _record(association, stage=LabelStage.NONE, since=None)
    assert (association.label_level, association.label_since, association.label_expires_on) == (
        None,
        None,
        None,
    )
    assert label_short(association, TODAY) == "—"


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"since": None}, "since", "Indiquez la date"),
        ({"since": datetime.date(2026, 12, 5)}, "since", "dans le futur"),
        ({"level": None}, "level", "Indiquez le niveau"),
        ({"stage": LabelStage.ENGAGED}, "level", "pas encore de niveau"),
        (
            {"stage": LabelStage.CANDIDATE, "expires_on": datetime.date(2027, 1, 1)},
            "expires_on",
            "Seul un label",
        ),
        ({"expires_on": datetime.date(2026, 1, 12)}, "expires_on", "après la date d'obtention"),
        ({"level": 4}, "level", "niveau 1, 2 ou 3"),
        ({"stage": "gold"}, "stage", "Choisissez une étape"),
    ],
)
def test_inconsistent_values_get_a_french_error(world, kwargs, field, message):
    with pytest.raises(ValidationError) as error:
        _record(world["association"], **kwargs)
    assert message in " ".join(error.value.message_dict[field])


def test_only_an_association_has_a_label(world):
    with pytest.raises(ValidationError):
        _record(world["ase_service"])


def test_the_pilot_records_the_label_from_the_partner_page(world, member, client_for):
    client = client_for(member(Role.PILOT))
    association = world["association"]
    url = reverse("accounts:partner_label_edit", kwargs={"organisation_id": association.pk})
    response = client.post(url, {"stage": "labelled", "level": "3", "since": "2026-06-30", "expires_on": ""})
    assert response.status_code == 302
    association.refresh_from_db()
    assert (association.label_stage, association.label_level) == ("labelled", 3)
    page = client.get(reverse("accounts:partner_detail", kwargs={"organisation_id": association.pk}))
    assert "Labellisée au niveau 3 le 30/06/2026." in page.content.decode()
    listing = client.get(reverse("accounts:partner_list")).content.decode()
    assert '<th scope="col">Label Mentorat</th>' in listing and "Labellisée, niveau 3" in listing


def test_a_bad_form_keeps_what_was_typed(world, member, client_for):
    client = client_for(member(Role.PILOT))
    url = reverse("accounts:partner_label_edit", kwargs={"organisation_id": world["association"].pk})
    response = client.post(url, {"stage": "labelled", "level": "", "since": "2026-06-30"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Indiquez le niveau du label obtenu." in body and 'value="2026-06-30"' in body
    response = client.post(url, {"stage": "labelled", "level": "9", "since": "0001-01-01"})
    assert response.status_code == 422


def test_a_pilot_cannot_touch_an_association_of_another_departement(world, member, client_for):
    client = client_for(member(Role.PILOT))
    url = reverse("accounts:partner_label_edit", kwargs={"organisation_id": world["other_association"].pk})
    assert client.post(url, {"stage": "engaged", "since": "2026-06-30"}).status_code == 404
    stranger = AssociationFactory(name="Association C")
    url = reverse("accounts:partner_label_edit", kwargs={"organisation_id": stranger.pk})
    assert client.get(url).status_code == 404
    url = reverse("accounts:partner_label_edit", kwargs={"organisation_id": world["ase_service"].pk})
    assert client.get(url).status_code == 404


def test_the_manager_records_their_own_label_and_sees_it_on_the_team_page(world, member, client_for):
    client = client_for(member(Role.MANAGER))
    response = client.post(
        reverse("accounts:own_label_edit"), {"stage": "candidate", "level": "1", "since": "2026-11-02"}
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:members")).content.decode()
    assert "Candidate à la labellisation au niveau 1 depuis le 02/11/2026." in page
    assert reverse("accounts:own_label_edit") in page


def test_a_coordinator_sees_the_label_but_cannot_change_it(world, member, client_for):
    _record(world["association"])
    client = client_for(member(Role.COORDINATOR))
    page = client.get(reverse("accounts:members")).content.decode()
    assert "Labellisée au niveau 2 le 12/01/2026." in page
    assert reverse("accounts:own_label_edit") not in page
    assert client.get(reverse("accounts:own_label_edit")).status_code == 403


def test_a_pilot_has_no_own_label_page_and_a_manager_no_partner_one(world, member, client_for):
    assert client_for(member(Role.PILOT)).get(reverse("accounts:own_label_edit")).status_code == 404
    url = reverse("accounts:partner_label_edit", kwargs={"organisation_id": world["association"].pk})
    assert client_for(member(Role.MANAGER)).get(url).status_code == 404
