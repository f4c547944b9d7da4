"""The main navigation: grouped by work, each entry shown only to who may use it, the current page and
its group marked."""

from html.parser import HTMLParser

import pytest
from django.urls import resolve, reverse

from binome.accounts.models import Role
from binome.accounts.perms import POLICIES
from binome.home.context_processors import NAVIGATION, Group, Link
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.youths.factories import YouthFactory


class NavReader(HTMLParser):
    """The main navigation as the page writes it: top-level links as (label, aria-current) and groups
    as (label, aria-current, [links]), read from the <nav> only."""

    def __init__(self):
        super().__init__()
        self.items, self.depth, self.text, self.current, self.group = [], 0, None, None, None
        self.inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("class") == "main-nav":
            self.inside = True
        if not self.inside:
            return
        if tag in ("a", "summary"):
            self.text, self.current = [], attrs.get("aria-current")
        if tag == "details":
            assert attrs.get("name") == "main-nav"  # one open group at a time
            self.group = None

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "nav":
            self.inside = False
        elif tag == "summary":
            self.group = ("".join(self.text).strip(), self.current, [])
            self.items.append(self.group)
            self.text = None
        elif tag == "a":
            link = ("".join(self.text).strip(), self.current)
            (self.group[2] if self.group else self.items).append(link)
            self.text = None
        elif tag == "details":
            self.group = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def nav_of(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    reader = NavReader()
    reader.feed(response.content.decode())
    return reader.items


def labels(items):
    """The structure alone: a link's label, or a group's label and its links' labels."""
    return [item[0] if len(item) == 2 else (item[0], [link[0] for link in item[2]]) for item in items]


EXPECTED = {
    Role.PILOT: [
        "Accueil",
        (
            "Parcours des jeunes",
            ["Jeunes", "Orientations", "Dossiers bloqués", "Attente de binôme", "Couverture"],
        ),
        "Honorabilité",  # alone in its group for the pilot: shown directly
        ("Pilotage", ["Tableau de bord", "Suivi mensuel", "Suivi des binômes"]),
        ("Administration", ["Partenaires", "Conventions", "Équipe", "Journal d'accès", "Paramètres"]),
    ],
    Role.VIEWER: [
        "Accueil",
        ("Parcours des jeunes", ["Attente de binôme", "Couverture"]),
        ("Pilotage", ["Tableau de bord", "Suivi mensuel", "Suivi des binômes"]),
        ("Administration", ["Partenaires", "Conventions", "Équipe"]),
    ],
    Role.MANAGER: [
        "Accueil",
        "Orientations reçues",
        (
            "Mentors et binômes",
            ["Mentors", "Formations", "Mise en binôme", "Propositions", "Binômes", "Activités"],
        ),
        ("Pilotage", ["Tableau de bord", "Suivi mensuel"]),
        ("Administration", ["Conventions", "Équipe", "Jetons d'API"]),
    ],
    Role.COORDINATOR: [
        "Accueil",
        "Orientations reçues",
        (
            "Mentors et binômes",
            ["Mentors", "Formations", "Mise en binôme", "Propositions", "Binômes", "Activités"],
        ),
        ("Pilotage", ["Tableau de bord", "Suivi mensuel"]),
        "Équipe",
    ],
    # Every referrer records the mentors of her service (art. D.221-36), whose training sessions are
    # reached from that page: « Formations » stays out of a short menu.
    Role.REFERRER: ["Accueil", "Jeunes", ("Mentors et binômes", ["Mentors du service", "Binômes"]), "Équipe"],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_groups_and_nothing_it_may_not_use(role, member, client_for):
    assert labels(nav_of(client_for(member(role)))) == EXPECTED[role]


def test_the_national_view_is_for_platform_administrators_only(member, client_for):
    admin = UserFactory(with_totp=True, is_staff=True)
    assert labels(nav_of(client_for(admin))) == [
        "Accueil",
        "Vue nationale",
        ("Administration", ["Organisations", "Comptes", "Journal d'accès"]),
    ]
    for role in Role:
        assert "Vue nationale" not in client_for(member(role)).get("/").content.decode()
    # An administrator who also works for a département finds it with the other steering pages.
    pilot_admin = member(Role.PILOT, is_staff=True)
    items = {item[0]: item for item in nav_of(client_for(pilot_admin))}
    assert [link[0] for link in items["Pilotage"][2]][-1] == "Vue nationale"


def test_the_current_page_and_its_group_are_marked(member, client_for):
    client = client_for(member(Role.PILOT))
    items = nav_of(client, reverse("youths:coverage"))
    marked = [(item[0], item[1]) for item in items if item[1]]
    assert marked == [("Parcours des jeunes", "true")]
    group = next(item for item in items if item[0] == "Parcours des jeunes")
    assert [link for link in group[2] if link[1]] == [("Couverture", "page")]
    # « Tableau de bord » (/pilotage/) is a prefix of « Couverture » (/pilotage/couverture/): not marked.
    pilotage = next(item for item in items if item[0] == "Pilotage")
    assert pilotage[1] is None and all(link[1] is None for link in pilotage[2])
    # The home page marks only itself.
    assert nav_of(client, "/")[0] == ("Accueil", "page")
    assert nav_of(client, reverse("audit:access_log"))[0] == ("Accueil", None)


def test_a_page_below_an_entry_belongs_to_its_section(world, member, client_for):
    pilot = member(Role.PILOT)
    youth = YouthFactory(ase_service=world["ase_service"])
    items = nav_of(client_for(pilot), reverse("youths:detail", args=[youth.pk]))
    group = next(item for item in items if item[0] == "Parcours des jeunes")
    assert group[1] == "true"
    assert [link for link in group[2] if link[1]] == [("Jeunes", "true")]  # a section, not the page


def test_a_flat_entry_is_marked_as_the_current_page(member, client_for):
    items = nav_of(client_for(member(Role.REFERRER)), reverse("youths:list"))
    assert [item for item in items if item[1]] == [("Jeunes", "page")]


def test_each_entry_keeps_the_policy_of_the_page_it_leads_to():
    """So an entry is shown exactly to the people the page lets in."""
    links = [item for item in NAVIGATION if isinstance(item, Link)]
    links += [link for item in NAVIGATION if isinstance(item, Group) for link in item.links]
    for link in links:
        assert link.policy in POLICIES, link
        view = resolve(reverse(link.url_name)).func
        assert view.binome_policy == link.policy, link


def test_switching_organisation_switches_the_navigation(world, client_for):
    user = UserFactory(with_totp=True)
    as_pilot = MembershipFactory(user=user, organisation=world["departement"], role=Role.PILOT)
    as_coordinator = MembershipFactory(user=user, organisation=world["association"], role=Role.COORDINATOR)
    client = client_for(user)
    for membership, role in ((as_coordinator, Role.COORDINATOR), (as_pilot, Role.PILOT)):
        client.post(reverse("accounts:organisation_switch"), {"membership": membership.pk})
        assert labels(nav_of(client)) == EXPECTED[role]
