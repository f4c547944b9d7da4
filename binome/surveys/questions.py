"""The questions, in one place. Scales are 1 to 5; codes are stable (the steering counts them).

The exit survey carries the impact questions of the toolkit (« Suivi et pilotage »: self-confidence,
grades, internship or job, psychosocial skills, someone to count on, satisfaction). The département's
key indicators written in the association's convention come first and are flagged as such."""

from dataclasses import dataclass

from binome.surveys.models import Respondent, SurveyKind


@dataclass(frozen=True)
class Question:
    code: str
    youth: str  # the wording for the youth (tutoiement)
    mentor: str  # the wording for the mentor
    scale: tuple[str, str] = ("Pas du tout", "Tout à fait")

    def label(self, respondent: str) -> str:
        return self.youth if respondent == Respondent.YOUTH else self.mentor


PULSE = [
    Question(
        "pulse_meetings",
        "Les rencontres avec ton mentor se passent bien.",
        "Les rencontres avec le jeune se passent bien.",
    ),
    Question(
        "pulse_rhythm",
        "Ton mentor et toi, vous vous voyez aussi souvent que prévu.",
        "Vous vous voyez aussi souvent que prévu.",
    ),
    Question(
        "pulse_trust",
        "Tu te sens à l'aise pour parler avec ton mentor.",
        "Le jeune semble à l'aise avec vous.",
    ),
    Question(
        "pulse_support",
        "Tu sais à qui t'adresser si quelque chose ne va pas.",
        "Vous vous sentez soutenu·e par l'association.",
    ),
]

EXIT = [
    Question(
        "self_confidence",
        "Grâce au mentorat, j'ai davantage confiance en moi.",
        "Grâce au mentorat, le jeune a davantage confiance en lui ou en elle.",
    ),
    Question(
        "grades",
        "Grâce au mentorat, mes résultats scolaires se sont améliorés.",
        "Grâce au mentorat, les résultats scolaires du jeune se sont améliorés.",
    ),
    Question(
        "internship_job",
        "Grâce au mentorat, j'ai trouvé un stage, une formation ou un emploi.",
        "Grâce au mentorat, le jeune a trouvé un stage, une formation ou un emploi.",
    ),
    Question(
        "psychosocial",
        "J'ose davantage prendre la parole, aller vers les autres, découvrir de nouvelles choses.",
        "Le jeune ose davantage prendre la parole, aller vers les autres, découvrir de nouvelles choses.",
    ),
    Question(
        "someone_to_count_on",
        "J'ai rencontré une personne sur qui je peux compter.",
        "Le jeune a trouvé en vous une personne sur qui compter.",
    ),
    Question(
        "satisfaction",
        "Je suis satisfait·e du mentorat.",
        "Je suis satisfait·e de cette expérience de mentor.",
        ("Pas du tout satisfait·e", "Très satisfait·e"),
    ),
]

BY_CODE = {q.code: q for q in (*PULSE, *EXIT)}
# 4 or 5 on the scale counts as « yes » for the impact indicators.
POSITIVE_FROM = 4


def questions_for(kind: str, key_indicators=()) -> list[str]:
    """The question codes of a questionnaire; for the exit survey the convention's key indicators first."""
    if kind == SurveyKind.PULSE:
        return [q.code for q in PULSE]
    codes = [q.code for q in EXIT]
    key = [c for c in key_indicators if c in codes]
    return key + [c for c in codes if c not in key]
