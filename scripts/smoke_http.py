"""The HTTP half of scripts/smoke_prod.sh: what a pilot does with her invitation, against gunicorn.

python smoke_http.py http://127.0.0.1:PORT INVITATION_LINK MAILS_FILE — standard library only.

The invitation link names the public address (https://binome.departement.fr/…): requests go to
gunicorn with that Host header, as the HTTPS proxy would send them. Cookies are kept by hand: the
production cookies are Secure (and __Host-), which a client refuses to send over plain HTTP.
"""

import http.client
import re
import sys
import time
import urllib.parse
from html.parser import HTMLParser


class Browser:
    def __init__(self, server: str, host: str):
        parsed = urllib.parse.urlsplit(server)
        self.address = (parsed.hostname, parsed.port)
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None):
        connection = http.client.HTTPConnection(*self.address, timeout=30)
        headers = {"Host": self.host, "User-Agent": "binome-smoke"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content


class FormInputs(HTMLParser):
    """The hidden inputs of the page's forms (CSRF token, one-time submit token)."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.hidden[attrs["name"]] = attrs.get("value") or ""


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"ÉCHEC : {message}", file=sys.stderr)
        sys.exit(1)
    print(f"  ok — {message}")


def main(server: str, link: str, mails: str) -> None:
    parsed = urllib.parse.urlsplit(link)
    browser = Browser(server, parsed.netloc)

    status, headers, page = browser.request("GET", "/comptes/login/")
    check(status == 200, f"la page de connexion répond (HTTP {status})")
    check("content-security-policy" in headers, "elle porte une Content-Security-Policy")
    check(headers.get("x-content-type-options") == "nosniff", "et X-Content-Type-Options: nosniff")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    check(stylesheet is not None, "elle lie une feuille de style versionnée (collectstatic)")
    status, headers, _ = browser.request("GET", stylesheet.group(1))
    check(status == 200, f"{stylesheet.group(1)} est servie par gunicorn (whitenoise)")

    status, _, page = browser.request("GET", parsed.path)
    check(status == 200 and "password1" in page, "le lien d'invitation ouvre la création du compte")
    inputs = FormInputs()
    inputs.feed(page)
    fields = {
        **inputs.hidden,
        "first_name": "Claire",
        "last_name": "Essai",
        "password1": "Premier-jour-en-production-44",
        "password2": "Premier-jour-en-production-44",
    }
    status, headers, page = browser.request("POST", parsed.path, fields)
    check(status == 302, f"le compte est créé (HTTP {status})")
    location = headers["location"]
    for _ in range(3):  # home → the authenticator app's set-up, required before anything else
        if "/2fa/totp/activate/" in location:
            break
        status, headers, _ = browser.request("GET", location)
        check(status == 302, f"{location} renvoie vers la suite (HTTP {status})")
        location = headers["location"]
    check("/2fa/totp/activate/" in location, "la double authentification est demandée avant toute page")
    status, _, page = browser.request("GET", location)
    check(status == 200 and "totp" in page.lower(), "la page d'association de l'application s'affiche")

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with open(mails, encoding="utf-8") as handle:
                if parsed.path in handle.read().replace("=\n", ""):
                    break
        except FileNotFoundError:
            pass
        time.sleep(0.5)
    else:
        check(False, "l'e-mail d'invitation est parti par le worker huey et SMTP")
    check(True, "l'e-mail d'invitation est parti par le worker huey et SMTP")


if __name__ == "__main__":
    main(*sys.argv[1:4])
