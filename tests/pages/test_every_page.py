"""Every page of the permission matrix, for every role that may open it: one title of its own, of the
form « <page> — <object> — Binôme », and French that elides (no « de Inès », « de octobre »)."""

import html
import re

import pytest

from tests.pages import sample

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# « de », « que », « le », « la » before a vowel-initial word: « de Inès », « de octobre », « la ASE »…
# « Y » followed by a vowel is a consonant (« de Yanis »); « h » is left out (aspirated or not), and
# « le ou la », « la ou les » are fine.
NOT_ELIDED = re.compile(
    r"(?<!-)\b(?:[Dd]e|[Qq]ue|[Ll]e|[Ll]a) (?![Yy][aeiouéè]|(?:ou|où|et)\b)[AEIOUYÀÂÉÈÊËÎÏÔÛÙaeiouyàâéèêëîïôûù]\w*"
)
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


@pytest.fixture
def pages_by_role(world, member):
    users = {role: member(role) for role in sample.ROLES}
    sample.build(world, users[sample.Role.COORDINATOR])
    return users


def _visible_text(page: str) -> str:
    return html.unescape(TAGS.sub(" ", page))


@pytest.mark.parametrize("role", sample.ROLES)
def test_every_page_has_its_own_title_and_elides(role, pages_by_role, client_for):
    user = pages_by_role[role]
    client = client_for(user)
    titles, wrong, seen = {}, [], 0
    for name, url in sample.pages(user):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        page = response.content.decode()
        match = TITLE.search(page)
        title = " ".join(html.unescape(match.group(1)).split()) if match else ""
        parts = title.split(" — ")
        if (
            len(parts) < 2
            or parts[-1] != "Binôme"
            or not all(parts)
            or (parts.count("Binôme") > 1 and parts[0] != "Binôme")
        ):
            wrong.append(f"{name}: titre « {title} »")
        titles.setdefault(title, []).append(name)
        for found in NOT_ELIDED.findall(_visible_text(page)):
            wrong.append(f"{name}: « {found} »")
    wrong += [f"même titre « {t} » : {names}" for t, names in titles.items() if len(names) > 1]
    assert seen >= 5
    assert wrong == [], "\n".join(wrong)
