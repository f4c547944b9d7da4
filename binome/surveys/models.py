"""Questionnaires of a pair: the pulse survey (30 days after the start, then every 60 days) and the exit
survey at closure, each for the youth and for the mentor.

A `SurveyResponse` is created when a questionnaire is due (its questions are fixed then, from
`questions.py` and the département's key indicators); it is answered through a link with a random
token (the mentor receives it by e-mail; the coordinator hands the youth's over, or enters the answers
with the youth). Each answer is a `SurveyAnswer` row, so the steering counts them in SQL:
`SurveyAnswer.objects.filter(response__kind="exit", question="self_confidence", value__gte=4)`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from binome.utils.models import BaseModel


class SurveyKind(models.TextChoices):
    PULSE = "pulse", "Questionnaire d'étape"
    EXIT = "exit", "Questionnaire de fin"


class Respondent(models.TextChoices):
    YOUTH = "youth", "Jeune"
    MENTOR = "mentor", "Mentor"


class SurveyResponseQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(answered_at__isnull=True, cancelled_at__isnull=True)

    def answered(self):
        return self.filter(answered_at__isnull=False)


class SurveyResponse(BaseModel):
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="survey_responses"
    )
    kind = models.CharField("questionnaire", max_length=6, choices=SurveyKind.choices)
    respondent = models.CharField("répondant", max_length=6, choices=Respondent.choices)
    due_on = models.DateField("dû le")
    questions = models.JSONField("questions posées", default=list)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    comment = models.TextField("commentaire libre", blank=True, max_length=2000)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = "réponse à un questionnaire"
        ordering = ["-due_on"]
        constraints = [
            # One live questionnaire per pair, kind, respondent and due date. A cancelled one does not
            # count: a pair reopened then closed again the same day gets its exit survey again.
            models.UniqueConstraint(
                fields=["mentorship", "kind", "respondent", "due_on"],
                condition=Q(cancelled_at__isnull=True),
                name="unique_live_survey_response",
            )
        ]
        indexes = [models.Index(fields=["kind", "respondent", "answered_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_respondent_display()}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.cancelled_at is None

    @property
    def link_valid(self) -> bool:
        return bool(
            self.is_open
            and self.token_hash
            and self.token_expires_at
            and self.token_expires_at > timezone.now()
        )


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField("question", max_length=40)
    value = models.PositiveSmallIntegerField("réponse (1 à 5)", null=True, blank=True)
    text = models.CharField("réponse libre", max_length=500, blank=True)

    class Meta:
        verbose_name = "réponse"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="unique_survey_answer")]
        indexes = [models.Index(fields=["question", "value"])]

    def __str__(self):
        return f"{self.question} = {self.value}"
