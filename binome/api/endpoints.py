"""The REST API under /api/v1/, for the associations' own software (CRM, Airtable, in-house tools).

Each endpoint declares the scope each method needs (`scopes`); `access.HasScope` checks it and the
permission matrix (docs/permissions.md, tests/api/test_matrix.py) is built from the same attribute.
Rows are loaded only through the `visible_to(membership)` querysets the web pages use, with the token's
association as membership: another association's object answers 404. Writes call the same services as
the web pages and the xlsx import."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from binome.accounts.models import Organisation
from binome.api import feed
from binome.api import serializers as s
from binome.api.errors import Conflict, CursorExpired, Invalid, InvalidCursor
from binome.api.models import ChangeEvent, EventKind, Scope
from binome.api.services import event_record
from binome.audit.services import log_access
from binome.conventions.models import Convention
from binome.mentorships.models import Mentorship
from binome.reporting.forms import FundingFormSet, FundingLineForm, ReportForm
from binome.reporting.imports import (
    MEETING_COLUMNS,
    MEETINGS_SHEET,
    PAIR_COLUMNS,
    PAIRS_SHEET,
    validate_sheets,
)
from binome.reporting.models import AssociationReport, ReportedPair, ReportFigures, ReportRevision
from binome.reporting.services import report_save, reported_data_save
from binome.steering.breakdowns import breakdowns
from binome.steering.indicators import Scope as SteeringScope
from binome.steering.indicators import build_report
from binome.steering.models import CustomIndicator
from binome.steering.periods import Period, default_period
from binome.steering.report import custom_figures
from binome.youths.models import Referral

MAX_BATCH = 1000
EVENTS_LIMIT = 500
# A change is served once it is this old: a transaction still open when a later one committed would
# otherwise have its event skipped by a client that already moved past the later one's cursor.


class Pagination(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "created_at"
    # A cursor is ours only if its position reads as a creation date of this century or so: any other
    # text, or a date Python cannot shift to UTC (year 1 east of Greenwich), crashed the query (500).
    position_years = (2000, 2999)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise InvalidCursor() from None
        if cursor is not None and cursor.position is not None and not self._readable(cursor.position):
            raise InvalidCursor()
        return cursor

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Curseur : reprenez le lien « next » (ou « previous ») d'une réponse.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Éléments par page : {self.page_size} par défaut, {self.max_page_size} au plus.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def _readable(self, position: str) -> bool:
        try:
            value = models.DateTimeField().to_python(position)
        except ValidationError:
            return False
        low, high = self.position_years
        return value is not None and low <= value.year <= high


class ApiView(APIView):
    scopes: dict = {}
    # A list sets `pagination_class = Pagination`: the schema then shows its {next, previous, results}.
    pagination_class = None
    error_statuses: tuple = ()  # answered besides those every operation may give (binome/api/schema.py)

    def perform_authentication(self, request):
        super().perform_authentication(request)
        # DRF also sets the token's client on Django's request: put the anonymous user back, so that
        # history records and middlewares never take an `ApiClient` for a person.
        request._request.user = AnonymousUser()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    @property
    def association(self):
        return self.request.user.association

    @property
    def membership(self):
        return self.request.user.membership

    def log(self, action, *, obj=None, object_type="", departement=None):
        """Reads and writes through a token go to the access log under the association, without a person
        (as the mentor's reads do): the token is the association's."""
        log_access(
            user=None,
            organisation=self.association,
            action=action,
            obj=obj,
            object_type=object_type,
            departement=departement,
        )

    def paginate(self, queryset, serializer_class, *, each=None):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        if each:
            for item in page:
                each(item)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


# --- Orientations received ------------------------------------------------------------------------


def _orientations(view):
    return (
        Referral.objects.for_association(view.association)
        .select_related("youth", "youth__territory", "youth__commune", "youth__school_level", "departement")
        .prefetch_related("youth__objectives")
    )


class OrientationList(ApiView):
    pagination_class = Pagination
    scopes = {"GET": Scope.PAIRS_READ}

    @extend_schema(
        summary="Orientations reçues",
        description="Profil semi-anonyme (prénom, âge, territoire, objectifs, modalité) tant que "
        "l'orientation n'est pas acceptée ; profil complet ensuite. Chaque lecture va au journal d'accès.",
        responses=s.OrientationSerializer(many=True),
    )
    def get(self, request):
        self.log("list", object_type="youths.youth")
        return self.paginate(
            _orientations(self),
            s.OrientationSerializer,
            each=lambda r: self.log("view", obj=r.youth, departement=r.departement),
        )


class OrientationDetail(ApiView):
    scopes = {"GET": Scope.PAIRS_READ}

    @extend_schema(summary="Une orientation reçue", responses=s.OrientationSerializer)
    def get(self, request, orientation_id):
        referral = get_object_or_404(_orientations(self), pk=orientation_id)
        self.log("view", obj=referral.youth, departement=referral.departement)
        return Response(s.OrientationSerializer(referral).data)


# --- Pairs followed in Binôme --------------------------------------------------------------------------


def _pairs(view):
    return Mentorship.objects.visible_to(view.membership).select_related("youth", "mentor", "departement")


class PairList(ApiView):
    pagination_class = Pagination
    scopes = {"GET": Scope.PAIRS_READ}

    @extend_schema(
        summary="Binômes de l'association suivis dans Binôme", responses=s.PairSerializer(many=True)
    )
    def get(self, request):
        self.log("list", object_type="mentorships.mentorship")
        return self.paginate(
            _pairs(self),
            s.PairSerializer,
            each=lambda p: self.log("view", obj=p, departement=p.departement),
        )


class PairDetail(ApiView):
    scopes = {"GET": Scope.PAIRS_READ}

    @extend_schema(summary="Un binôme suivi dans Binôme", responses=s.PairSerializer)
    def get(self, request, pair_id):
        pair = get_object_or_404(_pairs(self), pk=pair_id)
        self.log("view", obj=pair, departement=pair.departement)
        return Response(s.PairSerializer(pair).data)


# --- Pairs and meetings declared from the association's software (same rules as the xlsx import) -------


def _departement(association, code) -> Organisation:
    current = Organisation.objects.filter(
        pk__in=Convention.objects.current().filter(association=association).values("departement")
    )
    if code:
        departement = current.filter(insee_code=str(code)).first()
        if departement is None:
            raise Invalid(
                f"Pas de convention en vigueur avec le département {str(code)[:3]}.",
                [{"field": "departement", "message": "département inconnu ou sans convention en vigueur"}],
                code="departement_unknown",
            )
        return departement
    departements = list(current[:2])
    if len(departements) != 1:
        raise Invalid(
            "Aucune convention en vigueur."
            if not departements
            else "L'association travaille avec plusieurs départements : précisez « departement » (code INSEE).",
            [{"field": "departement", "message": "obligatoire"}] if departements else [],
            code="departement_required" if departements else "no_convention",
        )
    return departements[0]


def _cell(value):
    """A JSON value as the import's cleaners read a cell."""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise ValidationError("valeur simple attendue (texte, nombre, booléen ou null)")


def _rows(items, columns, what: str) -> tuple[list, list]:
    """(rows in the template's column order, shape errors), row n being item n - 1."""
    if not isinstance(items, list):
        raise Invalid(f"« {what} » doit être une liste.", code="invalid")
    if len(items) > MAX_BATCH:
        raise Invalid(f"{MAX_BATCH} éléments au plus par lot : découpez l'envoi.", code="batch_too_large")
    keys = [c.key for c in columns]
    rows, errors = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"list": what, "index": index, "field": "", "message": "objet JSON attendu"})
            continue
        for key in sorted(set(item) - set(keys)):
            errors.append({"list": what, "index": index, "field": str(key)[:60], "message": "champ inconnu"})
        values = []
        for key in keys:
            try:
                values.append(_cell(item.get(key)))
            except ValidationError as error:
                errors.append({"list": what, "index": index, "field": key, "message": error.messages[0]})
                values.append(None)
        rows.append((index + 1, values))
    return rows, errors


HEADER_KEYS = {
    **{(PAIRS_SHEET, c.header): c.key for c in PAIR_COLUMNS},
    **{(MEETINGS_SHEET, c.header): c.key for c in MEETING_COLUMNS},
}


def _item_error(error) -> dict:
    sheet, separator, header = error.column.partition(" › ")
    if not separator:
        sheet, header = PAIRS_SHEET, error.column
    what = "meetings" if sheet == MEETINGS_SHEET else "pairs"
    return {
        "list": what,
        "index": error.row - 1 if error.row else None,
        "field": HEADER_KEYS.get((sheet, header), header),
        "message": error.message,
    }


class BatchMixin:
    error_statuses = ("409",)

    def save_batch(self, request, *, pairs, meetings):
        data = request.data if isinstance(request.data, dict) else {}
        departement = _departement(self.association, data.get("departement"))
        pair_rows, errors = _rows(pairs, PAIR_COLUMNS, "pairs") if pairs is not None else ([], [])
        meeting_rows, more = (
            _rows(meetings, MEETING_COLUMNS, "meetings") if meetings is not None else ([], [])
        )
        errors += more
        if not pair_rows and not meeting_rows and not errors:
            raise Invalid("Le lot est vide.", code="batch_empty")
        sheets = {PAIRS_SHEET: ([c.header for c in PAIR_COLUMNS], pair_rows)}
        if meetings is not None:
            sheets[MEETINGS_SHEET] = ([c.header for c in MEETING_COLUMNS], meeting_rows)
        if not errors:
            report, plan = validate_sheets(sheets, association=self.association, departement=departement)
            errors = [_item_error(e) for e in report.errors]
        if errors:
            raise Invalid(
                f"Lot refusé : {len(errors)} erreur{'s' if len(errors) > 1 else ''}, rien n'a été enregistré.",
                errors[:1000],
                code="batch_invalid",
            )
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "oui")
        try:
            with transaction.atomic():
                counts = reported_data_save(
                    association=self.association,
                    departement=departement,
                    pairs=plan.pairs,
                    meetings=plan.meetings,
                    dry_run=dry_run,
                )
                changed = sum(counts[k] for k in counts if k.endswith(("_created", "_updated")))
                if changed and not dry_run:
                    event_record(association_id=self.association.pk, kind=EventKind.REPORTED_PAIRS)
        except IntegrityError:
            # The association's row is locked while writing (`reported_data_save`): what still
            # collides comes from elsewhere, and sending the batch again is the answer.
            raise Conflict() from None
        except ValidationError as error:  # the data moved between validation and writing
            raise Invalid(
                "Lot refusé : rien n'a été enregistré.",
                [{"list": "", "index": None, "field": "", "message": m} for m in error.messages],
                code="batch_invalid",
            ) from None
        if not dry_run:
            self.log("update", object_type="reporting.reportedpair", departement=departement)
        return Response({"dry_run": dry_run, **counts})


def _updated_after(text):
    if not text:
        return None
    try:
        value = models.DateTimeField().to_python(text.strip())
    except ValidationError:
        value = None
    if value is None or not 2000 <= value.year <= 2999:
        raise Invalid(
            "« updated_after » : date et heure ISO 8601 attendues, ex. 2026-03-01T00:00:00Z.",
            [{"field": "updated_after", "message": "date et heure ISO 8601 attendues"}],
            code="invalid",
        )
    return value if timezone.is_aware(value) else timezone.make_aware(value)


DRY_RUN = OpenApiParameter(
    "dry_run", OpenApiTypes.BOOL, description="Vérifier et compter sans rien enregistrer (aperçu)."
)


class ReportedPairList(BatchMixin, ApiView):
    pagination_class = Pagination
    scopes = {"GET": Scope.PAIRS_READ, "POST": Scope.PAIRS_WRITE}
    # A part of the body that needs one more scope: docs/permissions.md and the matrix test read it.
    body_scopes = {"POST": {"meetings": Scope.MEETINGS_WRITE}}

    @extend_schema(
        summary="Binômes déclarés par l'association (pseudonymes)",
        description="Avec ?updated_after=, seulement les binômes créés ou modifiés depuis (ce qu'un "
        "changement « reported_pairs » du fil annonce, sans identifiant d'objet).",
        parameters=[
            OpenApiParameter(
                "updated_after",
                OpenApiTypes.DATETIME,
                description="ISO 8601, ex. 2026-03-01T00:00:00Z : modifiés strictement après.",
            )
        ],
        responses=s.ReportedPairSerializer(many=True),
    )
    def get(self, request):
        pairs = ReportedPair.objects.visible_to(self.membership).select_related(
            "departement", "school_level", "care_measure", "territory", "objective"
        )
        since = _updated_after(request.query_params.get("updated_after"))
        if since is not None:
            pairs = pairs.filter(updated_at__gt=since)
        # One line per département concerned, so that each département's journal shows the read.
        departements = Organisation.objects.filter(pk__in=pairs.values("departement")).order_by("pk")
        for departement in departements or [None]:
            self.log("list", object_type="reporting.reportedpair", departement=departement)
        return self.paginate(pairs, s.ReportedPairSerializer)

    @extend_schema(
        summary="Créer ou mettre à jour des binômes par vos identifiants (tout ou rien)",
        description="Mêmes colonnes, mêmes règles que l'import xlsx du suivi mensuel. Si un élément est "
        "faux, rien n'est enregistré et chaque erreur est donnée avec son index et son champ. "
        "« meetings » (facultatif) demande aussi la portée meetings:write.",
        request=s.PairBatchSerializer,
        parameters=[DRY_RUN],
        responses=s.BatchResultSerializer,
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        meetings = data.get("meetings")
        for field, scope in self.body_scopes["POST"].items():
            if data.get(field) and not request.user.has_scope(scope):
                raise exceptions.PermissionDenied(f"« {field} » demande aussi la portée {scope}.")
        return self.save_batch(request, pairs=data.get("pairs", []), meetings=meetings)


class ReportedMeetingsList(BatchMixin, ApiView):
    scopes = {"POST": Scope.MEETINGS_WRITE}

    @extend_schema(
        summary="Déclarer les rencontres du mois de vos binômes (tout ou rien)",
        description="Une ligne par binôme et par mois, comme l'onglet « Rencontres » de l'import xlsx ; "
        "un mois déjà déclaré est remplacé.",
        request=s.MeetingsBatchSerializer,
        parameters=[DRY_RUN],
        responses=s.BatchResultSerializer,
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        return self.save_batch(request, pairs=None, meetings=data.get("meetings", []))


# --- Monthly reports (declared figures) -----------------------------------------------------------------


def _reports(view):
    return AssociationReport.objects.visible_to(view.membership).select_related("period__departement")


def _with_revision(reports):
    revisions = {
        r.report_id: r for r in ReportRevision.objects.current().filter(report__in=[x.pk for x in reports])
    }
    for report in reports:
        report.revision_in_force = revisions.get(report.pk)
    return reports


class ReportList(ApiView):
    pagination_class = Pagination
    scopes = {"GET": Scope.FIGURES_READ}

    @extend_schema(
        summary="Suivis mensuels de l'association : copie de travail et version transmise en vigueur",
        responses=s.ReportSerializer(many=True),
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = _with_revision(paginator.paginate_queryset(_reports(self), request, view=self))
        return paginator.get_paginated_response(s.ReportSerializer(page, many=True).data)


class ReportDetail(ApiView):
    scopes = {"GET": Scope.FIGURES_READ, "PATCH": Scope.REPORTS_WRITE}

    @extend_schema(summary="Un suivi mensuel", responses=s.ReportSerializer)
    def get(self, request, report_id):
        report = get_object_or_404(_reports(self), pk=report_id)
        return Response(s.ReportSerializer(_with_revision([report])[0]).data)

    @extend_schema(
        summary="Compléter la copie de travail d'un suivi mensuel",
        description="Les champs donnés remplacent ceux de la copie de travail (mêmes règles que la page "
        "web) ; « funding » remplace toutes les lignes de financement. La transmission, qui fige une "
        "version, reste faite par une personne sur Binôme. La réponse donne le suivi entier si le jeton a "
        "aussi figures:read, sinon seulement les champs écrits.",
        request=s.FiguresSerializer,
        responses=PolymorphicProxySerializer(
            component_name="ReportPatchResult",
            serializers=[s.ReportSerializer, s.ReportWrittenSerializer],
            resource_type_field_name=None,
        ),
    )
    def patch(self, request, report_id):
        report = get_object_or_404(_reports(self), pk=report_id)
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            raise Invalid("Objet JSON attendu.", code="invalid")
        known = {*ReportFigures.NUMBER_FIELDS, *ReportFigures.TEXT_FIELDS, "funding"}
        errors = [{"field": str(k)[:60], "message": "champ inconnu"} for k in sorted(set(data) - known)]
        current = {
            name: getattr(report, name) for name in (*ReportFigures.NUMBER_FIELDS, *ReportFigures.TEXT_FIELDS)
        }
        merged = {k: ("" if v is None else v) for k, v in {**current, **data}.items() if k != "funding"}
        form = ReportForm(merged, instance=report)
        funding_data = data.get("funding", report.funding or [])
        lines = []
        if not isinstance(funding_data, list):
            errors.append({"field": "funding", "message": "liste attendue"})
            funding_data = []
        elif len(funding_data) > FundingFormSet.max_num:
            # The web page's formset stops at the same number: a report is not a ledger.
            errors.append(
                {
                    "field": "funding",
                    "message": f"{FundingFormSet.max_num} lignes de financement au plus "
                    "(regroupez les petits montants d'un même financeur).",
                }
            )
            funding_data = []
        for index, line in enumerate(funding_data):
            line_form = FundingLineForm(line if isinstance(line, dict) else {})
            if not isinstance(line, dict) or not line_form.is_valid():
                messages = line_form.errors.items() if isinstance(line, dict) else [("", ["objet attendu"])]
                errors += [
                    {"field": f"funding[{index}].{name}".rstrip("."), "message": " ".join(m)}
                    for name, m in messages
                ]
            elif line_form.cleaned_data["funder"]:
                lines.append({k: line_form.cleaned_data[k] for k in ("funder", "sub_project", "amount")})
        if not form.is_valid():
            errors += [{"field": name, "message": " ".join(m)} for name, m in form.errors.items()]
        if not errors:
            try:
                report_save(report=report, data=form.cleaned_data, funding=lines, by=None)
            except ValidationError as error:
                errors = [
                    {"field": name, "message": " ".join(m)}
                    for name, m in getattr(error, "message_dict", {"": error.messages}).items()
                ]
        if errors:
            raise Invalid(
                "Suivi non enregistré : corrigez les champs indiqués.", errors, code="report_invalid"
            )
        self.log("update", obj=report, departement=report.period.departement)
        if not request.user.has_scope(Scope.FIGURES_READ):
            # reports:write writes; reading the figures (and the submitted version) is figures:read's.
            return Response({"id": str(report.pk), "updated": sorted(set(data) & known)})
        report.refresh_from_db()
        return Response(s.ReportSerializer(_with_revision([report])[0]).data)


# --- Indicators ---------------------------------------------------------------------------------------


class IndicatorList(ApiView):
    error_statuses = ("404", "422")
    scopes = {"GET": Scope.FIGURES_READ}

    @extend_schema(
        summary="Indicateurs de l'association (ceux de son tableau de bord)",
        parameters=[
            OpenApiParameter(
                "period", str, description="AAAA-MM, AAAA-T1 à AAAA-T4 ou AAAA ; défaut : le mois dernier."
            ),
            OpenApiParameter("departement", str, description="Code INSEE, pour un seul département."),
        ],
        responses=s.IndicatorsSerializer,
    )
    def get(self, request):
        text = request.query_params.get("period")
        try:
            period = Period.parse(text) if text else default_period()
        except ValueError as error:
            raise Invalid(str(error), [{"field": "period", "message": str(error)}], code="invalid") from None
        code = request.query_params.get("departement")
        departement = None
        if code:
            departement = (
                Organisation.objects.departements()
                .filter(insee_code=code[:3], pk__in=self.association.departements().values("pk"))
                .first()
            )
            if departement is None:
                raise exceptions.NotFound()
        scope = SteeringScope(association=self.association, departement=departement)
        report = build_report(scope, period, compare=False, details=False)
        # What the association's dashboard shows for that département: less the indicators the
        # département hides, plus its own ones (read from the breakdowns, as `build_report` does with
        # `details`, without the trend and the rest the API does not serve).
        own = (
            list(CustomIndicator.objects.filter(departement=departement).select_related("item"))
            if departement
            else []
        )
        custom = custom_figures(own, breakdowns(scope, [period]), compared=False) if own else []
        return Response(
            {
                "period": period.key,
                "departement": departement.insee_code if departement else None,
                "indicators": [
                    {
                        "key": i.key,
                        "label": i.label,
                        "stage": i.stage,
                        "unit": i.unit,
                        "value": report.values.get(i.key),
                    }
                    for i in report.indicators()
                ],
                "custom": [{"label": f.label, "definition": f.definition, "value": f.value} for f in custom],
            }
        )


# --- Change feed --------------------------------------------------------------------------------------

KIND_SCOPES = {
    EventKind.ORIENTATION: Scope.PAIRS_READ,
    EventKind.PAIR: Scope.PAIRS_READ,
    EventKind.REPORTED_PAIRS: Scope.PAIRS_READ,
    EventKind.REPORT: Scope.FIGURES_READ,
}


class EventList(ApiView):
    error_statuses = ("400", "410")
    scopes = {"GET": (Scope.PAIRS_READ, Scope.FIGURES_READ)}

    @extend_schema(
        summary="Ce qui a changé depuis un curseur",
        description="Chaque changement donne son type et l'identifiant de l'objet, à relire par son point "
        "d'accès (un objet sorti de votre périmètre y répond 404). Repassez « next » en ?after=. Les "
        "types servis dépendent des portées du jeton. Le fil remonte à 90 jours "
        "(BINOME_API_EVENTS_RETENTION_DAYS) : un curseur plus ancien répond 410 (cursor_expired).",
        parameters=[
            OpenApiParameter("after", str, description="Curseur reçu (« next ») ; absent : depuis le début."),
            OpenApiParameter("limit", int, description=f"{EVENTS_LIMIT} au plus."),
        ],
        responses=s.EventPageSerializer,
    )
    def get(self, request):
        after = request.query_params.get("after") or "0"
        try:
            cursor = int(after)
            limit = min(int(request.query_params.get("limit") or EVENTS_LIMIT), EVENTS_LIMIT)
        except ValueError:
            raise InvalidCursor("Curseur ou limite illisible : repassez la valeur « next » reçue.") from None
        if not 0 <= cursor < 2**63 or limit < 1:  # past a 64-bit id, the database cannot even compare
            raise InvalidCursor("Curseur ou limite hors limites : repassez la valeur « next » reçue.")
        if feed.cursor_expired(cursor):
            raise CursorExpired(
                f"Curseur expiré : les changements sont gardés {settings.BINOME_API_EVENTS_RETENTION_DAYS} "
                "jours. Relisez vos objets par leurs listes, puis reprenez le fil sans « after »."
            )
        now = timezone.now()
        kinds = [kind for kind, scope in KIND_SCOPES.items() if request.user.has_scope(scope)]
        events = list(
            ChangeEvent.objects.filter(
                association=self.association,
                id__gt=cursor,
                kind__in=kinds,
                at__lte=feed.settled_before(now),
            ).order_by("id")[: limit + 1]
        )
        has_more = len(events) > limit
        events = events[:limit]
        following = events[-1].id if events else cursor
        if not has_more:
            following = feed.advanced_cursor(following, now=now)
        return Response(
            {
                "events": s.EventSerializer(events, many=True).data,
                "next": str(following),
                "has_more": has_more,
            }
        )


class NotFound(APIView):
    """Any other /api/ address: a JSON 404 rather than the site's page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    scopes: dict = {}

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound("Point d'accès inconnu : voir /api/docs/.")

    post = put = patch = delete = get
