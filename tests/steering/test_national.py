"""The national roll-up page: every département side by side, for platform administrators only."""

import io
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from binome.accounts.models import Role
from binome.audit.models import AccessLog
from binome.steering.indicators import REGISTRY, national_rollup
from binome.steering.summaries import DELAY
from binome.steering.tables import NATIONAL_COLUMNS, Cell, display
from binome.utils.dates import age_on
from tests.accounts.factories import AseServiceFactory, DepartementFactory, MembershipFactory, UserFactory
from tests.steering import dataset
from tests.steering.dataset import PERIOD
from tests.youths.factories import YouthFactory

URL = reverse("steering:national")
XLSX_URL = reverse("steering:national_xlsx")


class TableReader(HTMLParser):
    """The national table as text: (section, [cell texts]) per row."""

    def __init__(self):
        super().__init__()
        self.rows, self.section, self.cell, self.inside = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "table--wide" in (dict(attrs).get("class") or ""):
            self.inside = True
        elif self.inside and tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif self.inside and tag == "tr":
            self.rows.append((self.section, []))
        elif self.inside and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td") and self.cell is not None:
            self.rows[-1][1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_of(html: str) -> list[tuple[str, list[str]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.rows


def figures(row: dict) -> list[str]:
    """A roll-up row as the page writes it; spaces normalised like the parsed cells."""
    return [" ".join(display(Cell(row[key], REGISTRY[key].unit)).split()) for key in NATIONAL_COLUMNS]


@pytest.fixture
def staff(db):
    """A platform administrator without any membership: the view must not need an organisation."""
    return UserFactory(with_totp=True, is_staff=True)


@pytest.fixture
def data(world):
    return dataset.build(world)


def get(client, url=URL, **params):
    return client.get(url, {"periode": PERIOD.key, **params})


@pytest.mark.parametrize("role", list(Role))
def test_no_organisation_role_may_see_the_national_view(role, member, client_for):
    client = client_for(member(role))
    assert get(client).status_code == 403
    assert get(client, XLSX_URL).status_code == 403


def test_anonymous_goes_to_the_login_page(db, client):
    response = get(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_staff_sees_every_departement_as_the_rollup_computes_it(data, world, staff, client_for):
    response = get(client_for(staff))
    assert response.status_code == 200
    html = response.content.decode()
    rows = table_of(html)
    body = [cells for section, cells in rows if section == "tbody"]
    expected = national_rollup(PERIOD)
    assert len(expected) == 2  # both départements of the dataset have pairs in March 2026
    assert body == [
        [f"{row['departement__insee_code']} — {row['departement__name']}", *figures(row)] for row in expected
    ]
    header = next(cells for section, cells in rows if section == "thead")
    assert header == ["Département", *(REGISTRY[key].label for key in NATIONAL_COLUMNS)]
    assert "mars 2026" in html
    # Figures only: no youth's name reaches the page.
    assert [y.last_name for y in data.youths if y.last_name in html] == []


def test_totals_add_up_the_departements_and_average_every_pair(data, staff, client_for):
    html = get(client_for(staff)).content.decode()
    (total,) = [cells for section, cells in table_of(html) if section == "tfoot"]
    rows = national_rollup(PERIOD)
    pairs = dataset.refreshed(data.pairs)
    reference = dataset.reference(pairs, PERIOD)  # written out again in plain Python, all départements
    summed = {key: sum(row[key] for row in rows) for key in NATIONAL_COLUMNS if key != DELAY}
    assert total[0] == "Total France entière"
    values = dict(zip(NATIONAL_COLUMNS, total[1:], strict=True))
    assert values["pairs_followed"] == str(summed["pairs_followed"]) == str(reference["pairs_followed"])
    assert values["pairs_new"] == str(reference["pairs_new"])
    assert values["coverage_due"] == str(summed["coverage_due"])
    assert values[DELAY] == display(Cell(reference[DELAY], "days"))
    minors = sum(
        1
        for d in (data.departement, data.other_departement)
        for y in dataset.eligible_youths(d, PERIOD.end)
        if age_on(y.birth_date, PERIOD.end) < 18
    )
    assert summed["coverage_due"] == minors


def test_a_departement_without_any_pair_still_has_its_row(data, staff, client_for):
    """The roll-up groups pairs: a département that has not started yet would vanish from it."""
    quiet = DepartementFactory(name="Département Calme", insee_code="971")
    service = AseServiceFactory(departement=quiet)
    YouthFactory.create_batch(3, ase_service=service)
    assert "971" not in [row["departement__insee_code"] for row in national_rollup(PERIOD)]
    html = get(client_for(staff)).content.decode()
    body = [cells for section, cells in table_of(html) if section == "tbody"]
    row = next(cells for cells in body if cells[0] == "971 — Département Calme")
    values = dict(zip(NATIONAL_COLUMNS, row[1:], strict=True))
    assert values["pairs_followed"] == "0" and values[DELAY] == "—"
    assert values["coverage_due"] == "3" and values["coverage_rate"] == "0,0 %"
    assert [cells[0][:3] for cells in body] == ["44 ", "85 ", "971"]


def test_each_column_carries_its_definition(data, staff, client_for):
    html = get(client_for(staff)).content.decode()
    for key in NATIONAL_COLUMNS:
        assert escape(REGISTRY[key].definition) in html, key


def test_period_choices_are_the_dashboards(world, staff, member, client_for):
    def options(html):
        select = re.search(r'<select name="periode".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="([^"]+)"', select)

    national = options(client_for(staff).get(URL).content.decode())
    dashboard = options(client_for(member(Role.PILOT)).get(reverse("steering:dashboard")).content.decode())
    assert national == dashboard
    assert len(national) > 30  # months, quarters and years


@pytest.mark.parametrize(
    ("asked", "message"),
    [("2026-13", "Mois invalide."), ("n'importe quoi", "Période attendue sous la forme AAAA-MM")],
)
def test_a_bad_period_is_explained_in_french(asked, message, world, staff, client_for):
    client = client_for(staff)
    response = get(client, periode=asked)
    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert message in html and "La période demandée n'est pas reconnue" in html
    assert 'class="table table--wide"' not in html
    download = get(client, XLSX_URL, periode=asked)
    assert download.status_code == 422 and message in unescape(download.content.decode())
    assert not AccessLog.objects.filter(object_type="steering.national").exists()


def test_xlsx_has_every_row_and_the_definitions(data, staff, client_for):
    response = get(client_for(staff), XLSX_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="binome-vue-nationale-2026-03.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Vue nationale — chaque département"
    assert values[1][0] == "France entière — mars 2026"
    start = next(i for i, row in enumerate(values) if row[0] == "Département")
    assert list(values[start][1:]) == [REGISTRY[key].label for key in NATIONAL_COLUMNS]
    rows = national_rollup(PERIOD)
    for offset, row in enumerate(rows, start=1):
        line = values[start + offset]
        assert line[0] == f"{row['departement__insee_code']} — {row['departement__name']}"
        assert line[1 + NATIONAL_COLUMNS.index("pairs_followed")] == row["pairs_followed"]
        assert line[1 + NATIONAL_COLUMNS.index("coverage_rate")] == pytest.approx(row["coverage_rate"])
    total = values[start + len(rows) + 1]
    assert total[0] == "Total France entière"
    assert total[1 + NATIONAL_COLUMNS.index("pairs_followed")] == sum(r["pairs_followed"] for r in rows)
    definitions = {row[0]: row[1] for row in values[start + len(rows) + 3 :]}
    assert definitions[REGISTRY["coverage_rate"].label] == REGISTRY["coverage_rate"].definition
    log = AccessLog.objects.get(object_type="steering.national")
    assert (log.user, log.action, log.object_id, log.organisation) == (staff, "export", "2026-03", None)


def test_staff_with_a_membership_sees_it_too(world, client_for):
    admin = UserFactory(with_totp=True, is_staff=True)
    MembershipFactory(user=admin, organisation=world["association"], role=Role.COORDINATOR)
    assert get(client_for(admin)).status_code == 200


def test_queries_do_not_grow_with_the_departements(world, staff, client_for):
    client = client_for(staff)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert get(client).status_code == 200
        return len(queries)

    before = count()
    for code in ("01", "02", "03"):
        YouthFactory(ase_service=AseServiceFactory(departement=DepartementFactory(insee_code=code)))
    assert count() == before
