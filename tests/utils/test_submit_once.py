"""Two identical POSTs (double click, retry) save once: the second is sent where the first led."""

import datetime
import re
import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, HttpResponseRedirect
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role
from binome.mentorships.models import Meeting
from binome.utils.submit_once import ALREADY_SENT, FIELD, SubmitOnceMiddleware
from binome.youths.models import Consent, ConsentKind, LegalStatus, Youth
from tests.mentorships.factories import active_pair
from tests.youths.factories import YouthFactory, today, years_ago

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def token_of(response):
    """The one-time token of the page's own form (the header's forms post elsewhere)."""
    own = [f for f in response.content.decode().split("<form")[1:] if "action=" not in f.split(">")[0]]
    [token] = re.findall(rf'name="{FIELD}" value="([^"]+)"', own[0])
    return token


def post_twice(client, url, data_factory):
    """The page's form sent twice, as a double click does; returns both answers."""
    token = token_of(client.get(url))
    first = client.post(url, {**data_factory(), FIELD: token})
    second = client.post(url, {**data_factory(), FIELD: token})
    return first, second


def assert_sent_once(first, second, client):
    assert first.status_code == 302
    assert second.status_code == 303 and second["Location"] == first["Location"]
    shown = [str(m) for m in get_messages(second.wsgi_request)]
    assert ALREADY_SENT in shown


def test_every_csrf_token_carries_a_one_time_token_new_at_each_rendering(rf):
    request = rf.get("/")
    template = Template("<form method='post'>{% csrf_token %}</form>")
    first = template.render(Context({"csrf_token": "abc", "request": request}))
    second = template.render(Context({"csrf_token": "abc", "request": request}))
    assert 'name="csrfmiddlewaretoken"' in first and f'name="{FIELD}"' in first
    assert re.findall(r'value="([^"]+)"', first)[-1] != re.findall(r'value="([^"]+)"', second)[-1]
    assert FIELD not in Template("{% csrf_token %}").render(Context({}))  # no CSRF, no form to protect


def test_a_youth_without_external_id_sent_twice_is_created_once(world, member, client_for):
    client = client_for(member(Role.REFERRER))

    def data():
        return {
            "first_name": "Inès",
            "last_name": "Benali",
            "birth_date": years_ago(13).isoformat(),
            "gender": "f",
            "legal_status": LegalStatus.PARENTS,
            "authority_holders": "2",
            "modality": "in_person",
        }

    first, second = post_twice(client, reverse("youths:create"), data)
    assert_sent_once(first, second, client)
    assert Youth.objects.filter(last_name="Benali").count() == 1


def test_a_meeting_sent_twice_is_recorded_once(world, member, client_for):
    coordinator = member(Role.COORDINATOR)
    pair = active_pair(world, coordinator, started_days_ago=20)
    when = (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    def data():
        return {"at": when, "status": "held", "modality": "remote", "duration_minutes": "45"}

    client = client_for(coordinator)
    url = reverse("mentorships:meeting_create", kwargs={"mentorship_id": pair.pk})
    first, second = post_twice(client, url, data)
    assert_sent_once(first, second, client)
    assert Meeting.objects.filter(mentorship=pair, kind="session").count() == 1
    pair.refresh_from_db()
    assert pair.meetings_remote == 1


def test_a_consent_sent_twice_is_recorded_once(world, member, client_for):
    youth = YouthFactory(ase_service=world["ase_service"], proposal_accepted=True, assessed=True)
    client = client_for(member(Role.REFERRER))

    def data():
        return {
            "kind": ConsentKind.PARENT,
            "given_by": "Mme Dupont, mère",
            "date": today().isoformat(),
            "method": "form",
            "document": SimpleUploadedFile("accord.pdf", PDF_BYTES, content_type="application/pdf"),
        }

    first, second = post_twice(client, reverse("youths:consent_add", args=[youth.pk]), data)
    assert_sent_once(first, second, client)
    assert Consent.objects.filter(youth=youth).count() == 1


def test_a_refused_form_may_be_sent_again_with_its_token(world, member, client_for):
    client = client_for(member(Role.REFERRER))
    url = reverse("youths:create")
    token = token_of(client.get(url))
    refused = client.post(url, {"first_name": "Inès", FIELD: token})
    assert refused.status_code == 422
    data = {
        "first_name": "Inès",
        "last_name": "Benali",
        "birth_date": years_ago(13).isoformat(),
        "gender": "f",
        "legal_status": LegalStatus.PARENTS,
        "authority_holders": "2",
        "modality": "in_person",
    }
    assert client.post(url, {**data, FIELD: token}).status_code == 302
    assert Youth.objects.filter(last_name="Benali").count() == 1


def test_two_sendings_at_the_same_moment_reach_the_view_once():
    """Two threads post the same token while the first is still being saved."""
    calls = []

    def slow_view(request):
        calls.append(1)
        time.sleep(0.3)
        return HttpResponseRedirect("/binomes/cree/")

    middleware = SubmitOnceMiddleware(
        lambda request: middleware.process_view(request, slow_view, (), {}) or slow_view(request)
    )
    responses = []

    def send():
        request = RequestFactory().post("/binomes/nouveau/", {FIELD: "t" * 32})
        request.session = {}
        request._messages = FallbackStorage(request)
        responses.append(middleware(request))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert sorted(r.status_code for r in responses) == [302, 303]
    assert {r["Location"] for r in responses} == {"/binomes/cree/"}


def test_without_a_token_nothing_changes(rf):
    middleware = SubmitOnceMiddleware(lambda request: HttpResponse("ok"))
    request = rf.post("/x/", {"a": "1"})
    assert middleware.process_view(request, lambda r: None, (), {}) is None
    assert middleware.process_view(rf.post("/x/", {FIELD: "court"}), lambda r: None, (), {}) is None
