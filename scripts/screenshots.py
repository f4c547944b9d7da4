"""Screenshots of the main pages for the README: `python scripts/screenshots.py http://localhost:8000`.

Needs `./run` started in demo mode (MFA relaxed) and Debian's Chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
PASSWORD = "Demo-Binome-2026"  # noqa: S105 — the documented demo password

SHOTS = [
    ("login", None, "/comptes/login/"),
    ("pilot-home", "pilote@cd44.example", "/"),
    ("pilot-partners", "pilote@cd44.example", "/partenaires/"),
    ("pilot-conventions", "pilote@cd44.example", "/conventions/"),
    ("pilot-access-log", "pilote@cd44.example", "/journal/"),
    ("manager-team", "responsable@tremplin.example", "/equipe/"),
    ("multi-org-home", "coordination@binome.example", "/"),
    ("referrer-youths", "referent.nantes@cd44.example", "/jeunes/"),
    ("pilot-routing", "pilote@cd44.example", "/orientations/a-orienter/"),
    ("pilot-blocked", "pilote@cd44.example", "/pilotage/dossiers-bloques/"),
    ("pilot-coverage", "pilote@cd44.example", "/pilotage/couverture/"),
    ("association-inbox", "responsable@tremplin.example", "/orientations/recues/"),
    ("association-mentors", "responsable@tremplin.example", "/mentors/"),
    ("pilot-honorability", "pilote@cd44.example", "/honorabilite/"),
    ("coordinator-matching-table", "mentorat@tremplin.example", "/mise-en-binome/"),
    ("coordinator-proposals", "mentorat@tremplin.example", "/mise-en-binome/propositions/"),
    ("pilot-matching-pool", "pilote@cd44.example", "/mise-en-binome/departement/"),
    ("coordinator-pairs", "mentorat@tremplin.example", "/binomes/"),
    ("pilot-dashboard", "pilote@cd44.example", "/pilotage/"),
    ("admin-national", "admin@binome.example", "/pilotage/national/"),
    ("pilot-steering-settings", "pilote@cd44.example", "/pilotage/reglages/"),
    ("referrer-service-mentors", "referent.nantes@cd44.example", "/mentors/"),
    ("manager-label", "responsable@tremplin.example", "/equipe/label/"),
    ("manager-details", "responsable@tremplin.example", "/equipe/coordonnees/"),
    ("admin-organisations", "admin@binome.example", "/plateforme/organisations/"),
    ("admin-new-departement", "admin@binome.example", "/plateforme/departements/nouveau/"),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        only = set(sys.argv[3:])  # optional: the names of the shots to take again
        for name, email, path in SHOTS:
            if only and name not in only:
                continue
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            page = context.new_page()
            if email:
                page.goto(f"{BASE}/comptes/login/")
                page.fill("#id_login", email)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
            page.goto(f"{BASE}{path}")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
