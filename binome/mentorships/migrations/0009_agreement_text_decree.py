"""The agreement template's default clauses follow the decree (issue 14): the département's president checks the
mentor's honorability (art. D.221-39), « il est mis fin » to a mentoring that no longer serves the youth, PPE
or PAA. A département that had kept the old default text gets the new one; an edited text is left as is."""

from django.db import migrations

OLD_LEGAL_TEXT = (
    "La présente convention est conclue en application de l'article L.221-2-6 du code de l'action sociale "
    "et des familles et des articles D.221-34 à D.221-40 issus du décret n° 2024-118 du 16 février 2024 "
    "relatif au mentorat des enfants et des jeunes majeurs accompagnés par l'aide sociale à l'enfance.\n\n"
    "Le mentorat est une relation bénévole, gratuite et confidentielle. Le mentor s'engage à respecter la "
    "vie privée du jeune, à ne pas se substituer aux professionnels qui l'accompagnent ni aux titulaires de "
    "l'autorité parentale, et à signaler sans délai au chargé de mentorat toute difficulté. L'association "
    "forme le mentor, vérifie son honorabilité (art. L.133-6 CASF) au moins une fois par an et suit le "
    "binôme. Le service de l'aide sociale à l'enfance réalise avec l'association un bilan régulier, au "
    "moins annuel, qui recueille l'avis du jeune ; il peut mettre fin au mentorat s'il ne sert plus "
    "l'intérêt du jeune.\n\n"
    "Chaque partie peut mettre fin à la convention à tout moment en prévenant le chargé de mentorat. "
    "Les données nécessaires au suivi sont traitées par le département et l'association dans le respect "
    "du RGPD ; elles sont conservées au plus deux ans après la fin du mentorat."
)

NEW_LEGAL_TEXT = (
    "La présente convention est conclue en application de l'article L.221-2-6 du code de l'action sociale "
    "et des familles et des articles D.221-34 à D.221-40 issus du décret n° 2024-118 du 16 février 2024 "
    "relatif au mentorat des enfants et des jeunes majeurs accompagnés par l'aide sociale à l'enfance. Ses "
    "modalités de mise en œuvre sont également précisées dans le projet pour l'enfant (PPE) ou, pour un jeune "
    "majeur, dans son projet d'accès à l'autonomie (PAA).\n\n"
    "Le mentorat est une relation bénévole, gratuite et confidentielle. Le mentor s'engage à respecter la "
    "vie privée du jeune, à ne pas se substituer aux professionnels qui l'accompagnent ni aux titulaires de "
    "l'autorité parentale, et à signaler sans délai au chargé de mentorat toute difficulté. L'association "
    "forme le mentor, l'informe et l'accompagne pendant toute la durée du mentorat, et suit le binôme. Le "
    "président du conseil départemental s'assure, avant le début du mentorat puis au moins une fois par an, "
    "que le mentor remplit les conditions d'honorabilité de l'article L.133-6 CASF (art. D.221-39) ; si elles "
    "ne sont plus remplies, il est mis fin au mentorat. Le service de l'aide sociale à l'enfance évalue "
    "régulièrement le mentorat avec l'association, en tenant compte de l'avis du jeune ; il est mis fin au "
    "mentorat, après une évaluation concertée associant le jeune, lorsqu'il n'est plus en adéquation avec son "
    "intérêt (art. D.221-40).\n\n"
    "Chaque partie peut mettre fin à la convention à tout moment en prévenant le chargé de mentorat. "
    "Les données nécessaires au suivi sont traitées par le département et l'association dans le respect "
    "du RGPD ; elles sont conservées au plus deux ans après la fin du mentorat."
)


def update(apps, schema_editor):
    AgreementSettings = apps.get_model("mentorships", "AgreementSettings")
    AgreementSettings.objects.filter(legal_text=OLD_LEGAL_TEXT).update(legal_text=NEW_LEGAL_TEXT)


class Migration(migrations.Migration):
    dependencies = [("mentorships", "0008_project_mention")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
