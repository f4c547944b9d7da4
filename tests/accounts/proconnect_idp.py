"""Starts tests/accounts/proconnect_idp.mjs (oidc-provider, configured like ProConnect) on 127.0.0.1."""

import json
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests
from django.conf import settings

SCRIPT = Path(__file__).with_name("proconnect_idp.mjs")
CLIENT_ID = "binome-test-client"
CLIENT_SECRET = "un-secret-de-test-assez-long-0123456789"

# The claims ProConnect sends (doc_fs/scope-claims.md); amr as the identity provider reports it.
AGENTS = {
    "Agent.Double@Loire-Atlantique.fr": {
        "sub": "pc-7f3a9d0c-double",
        "given_name": "Camille",
        "usual_name": "Martin",
        "uid": "cmartin",
        "siret": "22440002800011",
        "idp_id": "idp-loire-atlantique",
        "amr": ["pwd", "totp", "mfa"],
    },
    "agent.simple@loire-atlantique.fr": {
        "sub": "pc-41b2e6aa-simple",
        "given_name": "Dominique",
        "usual_name": "Bernard",
        "uid": "dbernard",
        "siret": "22440002800011",
        "idp_id": "idp-loire-atlantique",
        "amr": ["pwd"],
    },
    "inconnu@interieur.gouv.fr": {
        "sub": "pc-0c55e1f2-inconnu",
        "given_name": "Sacha",
        "usual_name": "Petit",
        "uid": "spetit",
        "siret": "11000201100044",
        "idp_id": "idp-interieur",
        "amr": ["pwd", "mfa"],
    },
    # The eIDAS level (`acr`): eidas1 unless said otherwise.
    "agent.renforce@loire-atlantique.fr": {
        "sub": "pc-93d0b7c1-renforce",
        "given_name": "Alix",
        "usual_name": "Moreau",
        "uid": "amoreau",
        "siret": "22440002800011",
        "idp_id": "idp-loire-atlantique",
        "amr": ["pwd"],
        "acr": "eidas2",
    },
    "agent.declaratif@exemple.fr": {
        "sub": "pc-5a1e88d4-declaratif",
        "given_name": "Noa",
        "usual_name": "Lefebvre",
        "uid": "nlefebvre",
        "siret": "22440002800011",
        "idp_id": "idp-proconnect-identite",
        "amr": ["pwd", "mfa"],
        "acr": "https://proconnect.gouv.fr/assurance/self-asserted",
    },
    "agent.verifie@exemple.fr": {
        "sub": "pc-7d3b21c5-verifie",
        "given_name": "Inès",
        "usual_name": "Moreau",
        "uid": "imoreau",
        "siret": "22440002800011",
        "idp_id": "idp-proconnect-identite",
        "amr": ["pwd"],
        "acr": "https://proconnect.gouv.fr/assurance/consistency-checked",
    },
    "agent.sans-niveau@loire-atlantique.fr": {
        "sub": "pc-c2f47e09-sans-niveau",
        "given_name": "Lou",
        "usual_name": "Girard",
        "uid": "lgirard",
        "siret": "22440002800011",
        "idp_id": "idp-loire-atlantique",
        "amr": ["pwd", "mfa"],
        "acr": None,
    },
}


@contextmanager
def running_idp(site_url: str):
    """The provider, with Binôme registered as a client whose redirect URIs live under `site_url`."""
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [site_url + "/comptes/proconnect/login/callback/"],
        "post_logout_redirect_uris": [site_url + "/comptes/proconnect/deconnexion/"],
        "agents": AGENTS,
    }
    process = subprocess.Popen(
        [shutil.which("node") or "/usr/bin/node", str(SCRIPT), json.dumps(config)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = None
    output = []
    timer = threading.Timer(30, process.kill)  # a provider that never starts must not hang the suite
    timer.start()
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith("READY "):
                issuer = line.split()[1]
                break
    finally:
        timer.cancel()
    if issuer is None:
        process.kill()
        raise RuntimeError("oidc-provider did not start:\n" + "".join(output))
    threading.Thread(target=process.stdout.read, daemon=True).start()  # keep its pipe drained
    try:
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def provider_settings(issuer: str) -> dict:
    """SOCIALACCOUNT_PROVIDERS as config/settings/base.py builds it from the environment."""
    return {
        "proconnect": {
            "APPS": [
                {
                    "name": "ProConnect",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": issuer},
                }
            ]
        }
    }


def follow_until(browser: requests.Session, url: str, stop_prefix: str) -> str:
    """Follow the provider's redirects as a browser would, until one points back to Binôme."""
    for _ in range(10):
        if url.startswith(stop_prefix):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code not in (302, 303):
            raise AssertionError(f"{url} → {response.status_code}: {response.text[:500]}")
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("too many redirects")


def sign_in_at_idp(browser: requests.Session, authorize_url: str, email: str, stop_prefix: str) -> str:
    """The agent at ProConnect: types their address (unless already signed in); returns Binôme's callback URL."""
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), response.text[:500]
    url = urljoin(authorize_url, response.headers["Location"])
    if url.startswith(stop_prefix):  # single sign-on: a ProConnect session already exists
        return url
    page = browser.get(url, timeout=10)
    assert "Connexion à ProConnect" in page.text
    response = browser.post(url, data={"email": email}, allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), response.text[:500]
    return follow_until(browser, urljoin(url, response.headers["Location"]), stop_prefix)
