"""Hostile input never answers 500: every form of the app, for each role that reaches it, posted with
boundary values (empty, 10,000 characters, NUL, years 1 and 9999, negative and huge numbers, ids that
are not UUIDs or match nothing).

The forms are found, not listed: each role crawls the pages it may open from its menu (one page per URL
name), and every `<form method="post">` on them is posted once per mutated field, the other fields
keeping what the page offered (or a plausible value), so that a single bad field reaches the save. For
time, a form is posted by the first role (in `Role`'s order) whose policy allows its address, and a
form offered at two addresses (create and edit) once. The mentor's space and the public forms (a
mentor's application, a survey's link) are posted without an account.
"""

import secrets
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import DatabaseError, transaction
from django.http import HttpResponseServerError
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.accounts.perms import POLICIES
from binome.accounts.urlwalk import walk
from binome.mentorships import services as pair_services
from binome.mentorships.models import Activity
from binome.surveys import services as survey_services
from binome.utils.submit_once import FIELD as ONCE_FIELD
from tests.accounts.factories import UserFactory
from tests.mentors.factories import (
    HonorabilityCheckFactory,
    MentorFactory,
    TrainingModuleFactory,
    TrainingRegistrationFactory,
    TrainingSessionFactory,
)
from tests.mentorships.factories import active_pair, log_meeting, validated_pair
from tests.reporting.factories import AssociationReportFactory, ReportingPeriodFactory
from tests.youths.factories import ReferralFactory, TerritoryFactory, YouthFactory

LONG = "é" * 10_000
NUL = "Nom\x00nul"
NOT_UUID = "zzz"
# URL names whose POST is not fuzzed: leaving the session would end the crawl.
SKIPPED_ACTIONS = {"account_logout", "mentorships:mentor_logout"}
SKIPPED_SUFFIXES = (".pdf", ".xlsx", ".csv", "/pdf/", "/document/")
MAX_PAGES = 160


@dataclass
class Form:
    action: str
    fields: list = field(default_factory=list)  # [kind, name, value, checked, options]


class PageParser(HTMLParser):
    """Links and POST forms of a page, with what each field holds as rendered."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "option" and self._select is not None:
            self._select[4].append((a.get("value", ""), "selected" in a))
        elif tag == "form":
            post = (a.get("method") or "get").lower() == "post"
            self._form = Form(action=a.get("action") or "") if post else None
            if self._form:
                self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind not in {"submit", "button", "image", "reset", "file"}:
                self._form.fields.append([kind, a["name"], a.get("value", ""), "checked" in a, []])
        elif tag == "select":
            self._select = ["select", a["name"], "", False, []]
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = ["textarea", a["name"], "", False, []]
            self._form.fields.append(self._textarea)
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._form.fields.append(["button", a["name"], a.get("value", ""), False, []])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def plausible(kind, name, value, checked, options):
    """What a user would leave or type: the page's own value, else something valid-looking."""
    now = timezone.localtime()
    if kind == "select":
        chosen = [v for v, selected in options if selected] or [v for v, _ in options if v][:1]
        return chosen[0] if chosen else ""
    if kind in {"checkbox", "radio"}:
        return value or "on" if checked else None
    if value:
        return value
    return {
        "email": "essai@exemple.example",
        "number": "1",
        "date": now.date().isoformat(),
        "datetime-local": now.strftime("%Y-%m-%dT%H:%M"),
        "time": "10:00",
        "month": now.strftime("%Y-%m"),
        "tel": "0102030405",
        "url": "https://exemple.example",
    }.get(kind, "Essai")


def baseline(form: Form) -> dict:
    data = {}
    for kind, name, value, checked, options in form.fields:
        if kind == "button":
            continue
        chosen = plausible(kind, name, value, checked, options)
        if chosen is None:
            continue
        if kind == "checkbox":
            data.setdefault(name, []).append(chosen)
        elif kind != "radio" or name not in data:
            data[name] = chosen
    # A radio group, or a group of checkboxes (a multiple choice), with nothing checked: its first choice.
    names = [f[1] for f in form.fields]  # a checkbox with its own value is one choice of several
    for kind, name, value, _checked, _options in form.fields:
        choice = kind == "checkbox" and (names.count(name) > 1 or value not in {"", "on", "true", "True"})
        group = kind == "radio" or choice
        if group and name not in data:
            data[name] = [value] if kind == "checkbox" else value
    return data


TEXT_KINDS = {"text", "textarea", "email", "tel", "url", "search", "password"}


def hostile_values(kind):
    """One or two per field, for time: empties are covered by the post where every field is empty."""
    if kind == "date":
        return ["0001-01-01", "9999-12-31"]
    if kind == "datetime-local":
        return ["0001-01-01T00:00", "9999-12-31T23:59"]
    if kind == "month":
        return ["0001-01", "9999-12"]
    if kind == "time":
        return ["25:61"]
    if kind == "number":
        return ["-1", "99999999999999999999"]
    if kind in {"select", "radio", "checkbox"}:
        return [NOT_UUID, str(uuid.uuid4())]
    if kind == "hidden":
        return [NOT_UUID, LONG]
    return [LONG]


def variants(form: Form):
    """The page's own values, everything empty, a NUL in every text at once (refused before any view,
    see utils/nul_guard.py), then one hostile field at a time."""
    base = baseline(form)
    yield "tel que rendu", base
    yield "tout vide", {name: "" for name in base if name != "csrfmiddlewaretoken"}
    texts = {f[1] for f in form.fields if f[0] in TEXT_KINDS}
    if texts:
        yield "NUL partout", {**base, **dict.fromkeys(texts, NUL)}
    seen = set()
    for kind, name, _value, _checked, _options in form.fields:
        if kind == "button" or name == "csrfmiddlewaretoken" or name in seen:
            continue
        seen.add(name)
        for value in hostile_values(kind):
            yield f"{name}={value[:12]!r}", {**base, name: value}


def send(client, method, url, data=None):
    """One request in its own savepoint: on PostgreSQL a failed query aborts the test's transaction, and
    every later request would fail with it, hiding what the others do."""
    response = None
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data)
    except DatabaseError:
        pass  # the view already answered (500): the savepoint is rolled back
    return response or HttpResponseServerError()


def route_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client, starts, budget=MAX_PAGES):
    """BFS over the pages a client may open, one page per URL name; returns the POST forms found."""
    queue, visited_names, forms, errors = list(starts), set(), {}, []
    while queue and budget:
        url = queue.pop(0)
        path = urlsplit(url).path
        name = route_name(path)
        if not name or name in visited_names or path.endswith(SKIPPED_SUFFIXES) or name in SKIPPED_ACTIONS:
            continue
        if path.startswith(("/admin/", "/comptes/")):
            continue
        visited_names.add(name)
        budget -= 1
        response = send(client, "get", url)
        if response.status_code >= 500:
            errors.append(f"GET {name}: {response.status_code}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urljoin(url, href)
            if urlsplit(target).netloc in {"", "testserver"} and not href.startswith("#"):
                queue.append(
                    urlsplit(target).path + (f"?{urlsplit(target).query}" if urlsplit(target).query else "")
                )
        for form in parser.forms:
            action = urlsplit(urljoin(url, form.action)).path
            action_name = route_name(action)
            key = (action_name, tuple(sorted({f[1] for f in form.fields})))
            if action_name and key not in forms:
                form.action = action
                forms[key] = form
    return forms, errors


def fuzz(client, forms, skip=SKIPPED_ACTIONS, keep=lambda form: True):
    """Posts every variant of every form; a redirect is followed once (a search kept in the session
    is only used by the page it leads to). A form whose fields another address already offered (create
    and edit of the same thing) is posted once, for time."""
    errors, posted, done = [], 0, set()
    for (name, fields), form in forms.items():
        if name in skip or (len(fields) > 3 and fields in done) or not keep(form):
            continue
        done.add(fields)
        for label, data in variants(form):
            if len(data.get(ONCE_FIELD, "")) == 32:  # as rendered: a fresh one, or only the first is saved
                data = {**data, ONCE_FIELD: secrets.token_urlsafe(24)}
            response = send(client, "post", form.action, data)
            posted += 1
            if response.status_code == 302 and response["Location"].startswith("/"):
                label += f" puis GET {response['Location']}"
                response = send(client, "get", response["Location"])
            if response.status_code >= 500:
                errors.append(f"POST {name} [{label}]: {response.status_code}")
    return errors, posted


def start_urls(user):
    membership = user.memberships.get()
    return [
        reverse(r.name)
        for r in walk()
        if r.third_party is None
        and not r.converters
        and r.policy in POLICIES  # a URL without one fails the permission matrix's test
        and POLICIES[r.policy].allows(user, membership)
    ]


@pytest.fixture
def full_world(world, member):
    """One of each thing a form acts on, in the states where its forms show."""
    users = {role: member(role) for role in Role}
    coordinator, association = users[Role.COORDINATOR], world["association"]
    ase, departement = world["ase_service"], world["departement"]
    YouthFactory(ase_service=ase)  # at the start of the pathway
    ReferralFactory(youth=YouthFactory(ready=True, ase_service=ase), submitted=True)
    ReferralFactory(youth=YouthFactory(ready=True, ase_service=ase), routed=True, association=association)
    ReferralFactory(youth=YouthFactory(ready=True, ase_service=ase), accepted=True, association=association)
    MentorFactory(association=association, ready=True)
    candidate = MentorFactory(association=association)
    HonorabilityCheckFactory(
        mentor=MentorFactory(association=association, vetting=True), departement=departement
    )
    module = TrainingModuleFactory(association=association)
    TrainingRegistrationFactory(
        session=TrainingSessionFactory(association=association, modules=[module]), mentor=candidate
    )
    TerritoryFactory(departement=departement)
    validated_pair(world, coordinator)
    pair = active_pair(world, coordinator, started_days_ago=40)
    log_meeting(pair, 10, by=coordinator)
    pair_services.concern_raise(
        mentorship=pair, message="Inquiétude", by=coordinator, organisation=association
    )
    Activity.objects.create(
        association=association, kind="workshop", title="Atelier", starts_at=timezone.now()
    )
    period = ReportingPeriodFactory(departement=departement, month=timezone.localdate().replace(day=1))
    AssociationReportFactory(period=period, association=association)
    responses = survey_services.pulse_open(mentorship=pair, due_on=timezone.localdate(), email_mentor=False)
    return {"users": users, "pair": pair, "responses": responses}


ROLES = list(Role)


@pytest.mark.parametrize("role", ROLES)
def test_no_form_answers_500_to_hostile_input(role, full_world):
    user = full_world["users"][role]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    forms, errors = crawl(client, start_urls(user))
    assert forms, "aucun formulaire trouvé : l'exploration ne fonctionne plus"
    earlier = [full_world["users"][r] for r in ROLES[: ROLES.index(role)]]

    def first_role_allowed(form):
        """Each form is posted by the first role (in ROLES' order) its policy allows, for time."""
        rule = POLICIES.get(getattr(resolve(form.action).func, "binome_policy", None))
        return rule is None or not any(rule.allows(u, u.memberships.get()) for u in earlier)

    post_errors, posted = fuzz(client, forms, keep=first_role_allowed)
    found = errors + post_errors
    assert found == [], f"{len(found)} erreur(s) sur {posted} envois :\n" + "\n".join(found)


def test_the_platform_administrators_forms_never_answer_500(full_world):
    # An administrator has no membership: the role crawl above never reaches these pages.
    admin = UserFactory(with_totp=True, is_staff=True, is_superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    starts = [
        reverse(r.name)
        for r in walk()
        if r.third_party is None
        and not r.converters
        and r.policy in POLICIES
        and POLICIES[r.policy].platform_admin
    ]
    assert reverse("accounts:platform_departement_create") in starts
    forms, errors = crawl(client, starts)
    actions = {name for name, _ in forms}
    assert {"accounts:platform_departement_create", "accounts:platform_details_edit"} <= actions, actions
    post_errors, posted = fuzz(client, forms)
    found = errors + post_errors
    assert found == [], f"{len(found)} erreur(s) sur {posted} envois :\n" + "\n".join(found)


def test_public_forms_and_the_mentor_space_never_answer_500(full_world, world):
    pair = full_world["pair"]
    anonymous = Client()
    token = pair_services.mentor_link_issue(mentorship=pair)
    survey_tokens = [survey_services.link_create(r) for r in full_world["responses"]]
    starts = [
        reverse("mentors:apply", kwargs={"association_id": world["association"].pk}),
        *[reverse("surveys:answer", kwargs={"token": t}) for t in survey_tokens],
    ]
    forms, errors = crawl(anonymous, starts)
    mentor = Client()
    mentor.get(pair_services.mentor_space_url(token))
    mentor_forms, mentor_errors = crawl(mentor, [reverse("mentorships:mentor_home")])
    post_errors, posted = fuzz(anonymous, forms)
    mentor_post_errors, mentor_posted = fuzz(mentor, mentor_forms)
    assert len(forms) >= 2 and mentor_forms
    all_errors = errors + mentor_errors + post_errors + mentor_post_errors
    assert all_errors == [], (
        f"{len(all_errors)} erreur(s) sur {posted + mentor_posted} envois :\n" + "\n".join(all_errors)
    )


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("accounts:organisation_switch", {"membership": ""}),
        ("accounts:organisation_switch", {"membership": NOT_UUID}),
        ("conventions:convention_create", {"association": NOT_UUID}),
    ],
)
def test_the_ids_found_by_the_review_get_an_answer(route, data, member, client_for):
    """Issue 12: these answered 500 (an empty or non-UUID membership, association=zzz)."""
    response = client_for(member(Role.PILOT)).post(reverse(route), data)
    assert response.status_code in {302, 404, 422}


def test_the_hostile_values_cover_the_boundaries():
    assert len(LONG) == 10_000 and "\x00" in NUL
    assert "0001-01-01T00:00" in hostile_values("datetime-local")
    assert "9999-12-31" in hostile_values("date") and "-1" in hostile_values("number")
    parser = PageParser()
    parser.feed(
        '<form method="post" action="/x/"><input name="a" value="1"><select name="s"><option value="">-</option>'
        '<option value="u1">U</option></select><textarea name="t">bonjour</textarea>'
        '<input type="checkbox" name="c" value="v" checked></form><form method="get"><input name="q"></form>'
    )
    [form] = parser.forms
    assert baseline(form) == {"a": "1", "s": "u1", "t": "bonjour", "c": ["v"]}
    assert [label for label, _ in variants(form)][:3] == ["tel que rendu", "tout vide", "NUL partout"]
    assert sum(1 for _ in variants(form)) == 3 + 1 + 2 + 1 + 2
