"""What the API shows. Field names are English like the code; labels and messages are French."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from binome.reporting.imports import MEETING_COLUMNS, PAIR_COLUMNS
from binome.reporting.models import ReportFigures


class YouthProfileSerializer(serializers.Serializer):
    """Semi-anonymised until the association accepts the orientation, as on its web page."""

    first_name = serializers.CharField()
    age = serializers.IntegerField()
    territory = serializers.CharField(allow_null=True)
    objectives = serializers.ListField(child=serializers.CharField())
    modality = serializers.CharField(allow_blank=True)
    # Only once accepted:
    last_name = serializers.CharField(required=False)
    birth_date = serializers.DateField(required=False)
    gender = serializers.CharField(required=False)
    commune = serializers.CharField(required=False, allow_null=True)
    school_level = serializers.CharField(required=False, allow_null=True)
    interests = serializers.CharField(required=False, allow_blank=True)
    message = serializers.CharField(required=False, allow_blank=True)


def youth_profile(referral) -> dict:
    youth = referral.youth
    data = {
        "first_name": youth.first_name,
        "age": youth.age(),
        "territory": youth.territory.name if youth.territory else None,
        "objectives": [o.label for o in youth.objectives.all()],
        "modality": youth.modality,
    }
    if referral.visible_in_full_to_association:
        data.update(
            last_name=youth.last_name,
            birth_date=youth.birth_date,
            gender=youth.gender,
            commune=youth.commune.name if youth.commune else None,
            school_level=youth.school_level.label if youth.school_level else None,
            interests=youth.interests,
            message=referral.message,
        )
    return data


class OrientationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField()
    departement = serializers.CharField(source="departement.insee_code")
    routed_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    matched_at = serializers.DateTimeField(allow_null=True)
    full_profile = serializers.BooleanField(source="visible_in_full_to_association")
    youth = serializers.SerializerMethodField()

    @extend_schema_field(YouthProfileSerializer)
    def get_youth(self, referral) -> dict:
        return youth_profile(referral)


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class PairSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField()
    departement = serializers.CharField(source="departement.insee_code")
    orientation_id = serializers.UUIDField(source="referral_id", allow_null=True)
    youth = PersonSerializer()
    mentor = PersonSerializer()
    is_renewal = serializers.BooleanField()
    validated_at = serializers.DateTimeField()
    started_at = serializers.DateField(allow_null=True)
    planned_end_on = serializers.DateField(allow_null=True)
    ended_at = serializers.DateField(allow_null=True)
    colour = serializers.CharField(allow_blank=True)
    colour_reason = serializers.CharField(allow_blank=True)
    last_meeting_on = serializers.DateField(allow_null=True)
    meetings_in_person = serializers.IntegerField()
    meetings_remote = serializers.IntegerField()
    closure_reason = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField()


class ReportedPairSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    external_id = serializers.CharField()
    departement = serializers.CharField(source="departement.insee_code")
    youth_external_id = serializers.CharField()
    mentor_external_id = serializers.CharField(allow_blank=True)
    birth_year = serializers.IntegerField()
    gender = serializers.CharField()
    school_level = serializers.CharField(source="school_level.code", allow_null=True, default=None)
    care_measure = serializers.CharField(source="care_measure.code", allow_null=True, default=None)
    territory = serializers.CharField(source="territory.name", allow_null=True, default=None)
    objective = serializers.CharField(source="objective.code", allow_null=True, default=None)
    modality = serializers.CharField(allow_blank=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    closure_reason = serializers.CharField(allow_blank=True)
    objective_reached = serializers.BooleanField(allow_null=True)
    is_renewal = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


def _item_serializer(name, columns, extra_help=None):
    """The batch item's documented shape: one field per column of the xlsx template, same meaning."""
    fields = {}
    for column in columns:
        help_text = (extra_help or {}).get(column.key, column.help)
        if column.key in ("objective_reached", "is_renewal"):
            field = serializers.BooleanField(required=False, allow_null=True, help_text=help_text)
        elif column.key in ("birth_year", "in_person", "remote"):
            field = serializers.IntegerField(required=column.required, help_text=help_text)
        else:
            field = serializers.CharField(
                required=column.required,
                allow_blank=not column.required,
                allow_null=not column.required,
                help_text=help_text,
            )
        fields[column.key] = field
    return type(name, (serializers.Serializer,), fields)


ReportedPairItemSerializer = _item_serializer(
    "ReportedPairItem",
    PAIR_COLUMNS,
    {
        "started_on": "AAAA-MM-JJ (ou JJ/MM/AAAA).",
        "ended_on": "AAAA-MM-JJ, pour un binôme clôturé.",
        "state": "active ou closed (ou En cours, Clôturé).",
        "gender": "f, m ou x.",
        "closure_reason": "Code du motif (planned_end, mentor_unavailable…), obligatoire pour un binôme clôturé.",
        "school_level": "Code ou libellé de la liste du département.",
        "care_measure": "Code ou libellé de la liste du département.",
        "objective": "Code ou libellé de la liste du département.",
        "modality": "in_person, remote ou mixed.",
    },
)
ReportedMeetingsItemSerializer = _item_serializer("ReportedMeetingsItem", MEETING_COLUMNS)


class PairBatchSerializer(serializers.Serializer):
    departement = serializers.CharField(
        required=False,
        help_text="Code INSEE du département ; facultatif avec une seule convention en vigueur.",
    )
    pairs = ReportedPairItemSerializer(many=True)


class MeetingsBatchSerializer(serializers.Serializer):
    departement = serializers.CharField(required=False)
    meetings = ReportedMeetingsItemSerializer(many=True)


class BatchResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    pairs_created = serializers.IntegerField()
    pairs_updated = serializers.IntegerField()
    pairs_unchanged = serializers.IntegerField()
    meetings_created = serializers.IntegerField()
    meetings_updated = serializers.IntegerField()
    meetings_unchanged = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    funding = serializers.ListField(child=serializers.DictField(), required=False)


for _name in ReportFigures.NUMBER_FIELDS:
    FiguresSerializer._declared_fields[_name] = serializers.CharField(
        required=False, allow_null=True, help_text='Nombre (décimales en chaîne, ex. "1.50").'
    )
for _name in ReportFigures.TEXT_FIELDS:
    FiguresSerializer._declared_fields[_name] = serializers.CharField(required=False, allow_blank=True)


class ReportWrittenSerializer(serializers.Serializer):
    """The answer to a PATCH by a token without figures:read: what was written, not the figures."""

    id = serializers.UUIDField()
    updated = serializers.ListField(child=serializers.CharField(), help_text="Champs enregistrés.")


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    figures = FiguresSerializer(source="*", read_only=True)


class ReportSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    departement = serializers.CharField(source="period.departement.insee_code")
    month = serializers.DateField(source="period.month")
    covers_from = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.SerializerMethodField()
    working_copy = serializers.SerializerMethodField()
    submitted = serializers.SerializerMethodField()

    def get_status(self, report) -> str:
        return report.status()

    @extend_schema_field(FiguresSerializer)
    def get_working_copy(self, report) -> dict:
        return report.figures()

    @extend_schema_field(RevisionSerializer(allow_null=True))
    def get_submitted(self, report) -> dict | None:
        revision = getattr(report, "revision_in_force", None)
        if revision is None:
            return None
        return {
            "number": revision.number,
            "submitted_at": revision.submitted_at,
            "figures": revision.figures(),
        }


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    stage = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.JSONField(allow_null=True)


class CustomIndicatorSerializer(serializers.Serializer):
    label = serializers.CharField()
    definition = serializers.CharField(allow_blank=True)
    value = serializers.IntegerField(allow_null=True)


class IndicatorsSerializer(serializers.Serializer):
    period = serializers.CharField()
    departement = serializers.CharField(allow_null=True)
    indicators = IndicatorSerializer(many=True, help_text="Avec ?departement=, sans ceux qu'il masque.")
    custom = CustomIndicatorSerializer(many=True, help_text="Avec ?departement= : ses indicateurs propres.")


class EventSerializer(serializers.Serializer):
    cursor = serializers.CharField(source="id")
    kind = serializers.CharField()
    object_id = serializers.CharField()
    at = serializers.DateTimeField()


class EventPageSerializer(serializers.Serializer):
    events = EventSerializer(many=True)
    next = serializers.CharField(help_text="À repasser en ?after= pour la suite.")
    has_more = serializers.BooleanField()
