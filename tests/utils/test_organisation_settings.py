"""Per-organisation settings are read as « the row, or the defaults »: showing a page never writes one."""

import pytest
from django.urls import reverse

from binome.accounts.models import Role
from binome.matching.models import MatchingWeights
from binome.matching.scoring import DEFAULT_WEIGHTS
from binome.mentors.models import MentorSettings
from binome.mentorships.models import AgreementSettings, FollowUpSettings
from binome.youths.models import PathwaySettings

SETTINGS = (PathwaySettings, MentorSettings, FollowUpSettings, AgreementSettings, MatchingWeights)

PAGES = (
    (Role.PILOT, "home"),
    (Role.PILOT, "youths:pathway_settings"),
    (Role.PILOT, "mentorships:agreement_template"),
    (Role.MANAGER, "home"),
    (Role.MANAGER, "mentorships:settings"),
    (Role.MANAGER, "matching:weights"),
    (Role.MANAGER, "matching:proposals"),
    (Role.MANAGER, "mentors:training_list"),
)


def test_showing_the_pages_that_read_settings_creates_no_row(world, member, client_for):
    clients = {role: client_for(member(role)) for role in (Role.PILOT, Role.MANAGER)}
    for role, name in PAGES:
        response = clients[role].get(reverse(name))
        assert response.status_code == 200, name
    for model in SETTINGS:
        assert not model.objects.exists(), model.__name__


def test_for_organisation_gives_the_defaults_unsaved_then_the_saved_row(world):
    departement, association = world["departement"], world["association"]
    defaults = PathwaySettings.for_organisation(departement)
    assert defaults._state.adding and defaults.departement_id == departement.pk
    assert defaults.accept_delay_days == 7
    assert MatchingWeights.for_organisation(association).as_dict() == DEFAULT_WEIGHTS
    # An id works as well as the organisation.
    assert FollowUpSettings.for_organisation(association.pk).meeting_every_days == 42
    assert not PathwaySettings.objects.exists()

    defaults.accept_delay_days = 10
    defaults.save()
    MentorSettings.objects.create(association=association, stale_after_days=21)
    assert PathwaySettings.for_organisation(departement).accept_delay_days == 10
    assert MentorSettings.for_organisation(association).stale_after_days == 21
    assert MentorSettings.for_organisation(world["other_association"]).stale_after_days == 14


@pytest.mark.parametrize("model", SETTINGS)
def test_every_settings_model_names_its_organisation_field(model):
    assert model._meta.get_field(model.organisation_field).one_to_one
