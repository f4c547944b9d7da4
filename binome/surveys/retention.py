"""What the questionnaires keep about an anonymised youth or mentor: see `audit.retention`.
The 1–5 answers stay (the indicators count them); free comments go."""

from binome.audit.retention import eraser
from binome.surveys.models import Respondent, SurveyAnswer, SurveyResponse

COVERAGE = {
    "clears": {"surveys.SurveyResponse": ("comment",), "surveys.SurveyAnswer": ("text",)},
    "keeps": {
        "surveys.SurveyResponse": {
            "questions": "codes des questions posées",
            "token_hash": "empreinte d'un lien, rien de lisible",
        },
        "surveys.SurveyAnswer": {"question": "code de la question"},
    },
}


def _erase(responses) -> None:
    responses.update(comment="")
    SurveyAnswer.objects.filter(response__in=responses).update(text="")


@eraser("youths.Youth", **COVERAGE)
def erase_youth_answers(youth, now) -> None:
    """Both respondents' comments on the youth's pairs: the mentor's speak of the youth."""
    _erase(SurveyResponse.objects.filter(mentorship__youth=youth))


@eraser("mentors.Mentor", **COVERAGE)
def erase_mentor_answers(mentor, now) -> None:
    _erase(SurveyResponse.objects.filter(mentorship__mentor=mentor, respondent=Respondent.MENTOR))
