"""The roles' daily work, for locust (bench/load/run.sh starts it).

Each simulated user is one account of bench/load/prepare.py and logs in as a person does: password,
then the authenticator code (TOTP, the code tests/e2e/conftest.py computes with allauth's helpers). Then, with a pause of
1–3 s between actions:
- referrer (ASE): the youths list, a youth's page, the home page;
- coordinator (association): the matching table, a youth's ranked mentors, the pairs, a pair's page,
  a meeting entered (GET the form, POST it);
- manager (association): mentors, pairs, the team page, an invitation sent (an e-mail queued for the
  huey worker; each address is unique, so the bench counts that each e-mail went out exactly once);
- pilot (département): the dashboard, the youths list and coverage, the tableau de pilotage export.
Exports are named « export: … » so that the page percentiles leave them out.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(Path(os.environ["BENCH_ACCOUNTS"]).read_text())
OUT = Path(os.environ.get("BENCH_OUT", "."))
_next_account = iter(range(10**9))
INVITED: list[str] = []
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTR = re.compile(r'(name|value)="([^"]*)"')


def totp_code(secret: str) -> str:
    """RFC 6238 as allauth checks it (SHA-1, 6 digits, 30 s); locust runs without Django loaded."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def hidden_fields(html: str) -> dict:
    fields = {}
    for tag in HIDDEN.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.role = self.account["role"]
        self.login()

    def login(self):
        self.logged_in = False
        page = self.client.get("/comptes/login/", name="login")
        self.client.post(
            "/comptes/login/",
            {
                **hidden_fields(page.text),
                "login": self.account["email"],
                "password": self.account["password"],
            },
            name="login",
        )
        form = self.client.get("/comptes/2fa/authenticate/", name="login: code")
        code = totp_code(self.account["secret"])
        with self.client.post(
            "/comptes/2fa/authenticate/",
            {**hidden_fields(form.text), "code": code},
            name="login: code",
            catch_response=True,
        ) as response:
            self.logged_in = response.status_code == 200 and not response.url.rstrip("/").endswith(
                ("/comptes/2fa/authenticate", "/comptes/login")
            )
            if not self.logged_in and response.status_code < 400:
                response.failure("connexion refusée")

    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 200 and "/comptes/login/" in response.url:
                response.failure("déconnecté")
                self.logged_in = False

    @task
    def daily_work(self):
        if not self.logged_in:
            self.login()  # the failed login was counted; a person tries again
            return
        getattr(self, f"work_{self.role}")()

    # --- one action per call, chosen as the role's day is made --------------------------------
    def work_referrer(self):
        choice = random.random()
        if choice < 0.4:
            self.page("/jeunes/", "jeunes")
        elif choice < 0.85 and self.account["youths"]:
            self.page(f"/jeunes/{random.choice(self.account['youths'])}/", "jeune")
        else:
            self.page("/", "accueil")

    def work_coordinator(self):
        choice = random.random()
        if choice < 0.2:
            self.page("/mise-en-binome/", "table des matchings")
        elif choice < 0.4 and self.account["referrals"]:
            self.page(
                f"/mise-en-binome/jeunes/{random.choice(self.account['referrals'])}/", "mentors classés"
            )
        elif choice < 0.6:
            self.page("/binomes/", "binômes")
        elif choice < 0.8 and self.account["mentorships"]:
            self.page(f"/binomes/{random.choice(self.account['mentorships'])}/", "binôme")
        elif self.account["mentorships"]:
            self.enter_meeting(random.choice(self.account["mentorships"]))

    def enter_meeting(self, mentorship_id):
        url = f"/binomes/{mentorship_id}/rencontres/nouvelle/"
        form = self.client.get(url, name="rencontre: formulaire")
        when = datetime.datetime.now() - datetime.timedelta(
            days=random.randint(1, 6), hours=random.randint(0, 8)
        )
        data = {
            **hidden_fields(form.text),
            "at": when.strftime("%Y-%m-%dT%H:%M"),
            "status": "held",
            "modality": random.choice(["in_person", "remote"]),
            "duration_minutes": "60",
            "note": "Rencontre saisie par le banc de charge.",
        }
        with self.client.post(
            url, data, name="rencontre: saisie", catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != 302:
                r.failure(f"saisie refusée ({r.status_code})")

    def work_manager(self):
        choice = random.random()
        if choice < 0.3:
            self.page("/mentors/", "mentors")
        elif choice < 0.6:
            self.page("/binomes/", "binômes")
        elif choice < 0.85:
            self.page("/equipe/", "équipe")
        else:
            self.invite()

    def invite(self):
        form = self.client.get("/equipe/", name="équipe")
        email = f"invite-{uuid.uuid4().hex[:12]}@bench.example"
        data = {**hidden_fields(form.text), "email": email, "role": "coordinator"}
        with self.client.post(
            "/equipe/inviter/", data, name="invitation", catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code == 302:
                INVITED.append(email)
            else:
                r.failure(f"invitation refusée ({r.status_code})")

    def work_pilot(self):
        choice = random.random()
        if choice < 0.35:
            self.page("/pilotage/", "tableau de bord")
        elif choice < 0.6:
            self.page("/jeunes/", "jeunes")
        elif choice < 0.75 and self.account["youths"]:
            self.page(f"/jeunes/{random.choice(self.account['youths'])}/", "jeune")
        elif choice < 0.92:
            self.page("/pilotage/couverture/", "couverture")
        else:
            self.page("/pilotage/tableau-de-pilotage.xlsx", "export: tableau de pilotage")


REQUESTS: list[str] = []


@events.request.add_listener
def record(request_type, name, response_time, exception, **kwargs):
    """Every request, for bench/load/report.py: time, name, milliseconds, error (empty if none)."""
    error = "" if exception is None else type(exception).__name__ + ": " + str(exception)[:120]
    REQUESTS.append(json.dumps([round(time.time(), 3), name, round(response_time, 1), error]))


@events.test_stop.add_listener
def write_out(environment, **kwargs):
    (OUT / "invited.txt").write_text("".join(f"{email}\n" for email in INVITED))
    (OUT / "requests.jsonl").write_text("\n".join(REQUESTS) + "\n")
