"""`docs/indicators.md`, the indicator dictionary, written from the registry (`registry.py`): the same
text as the dashboard's « définition », the tableau de pilotage's Explications tab and the Cotech pack.
`manage.py indicators_doc --write` regenerates it; a test fails when it is out of date."""

from binome.steering.registry import DIMENSIONS, INDICATORS, PERIOD_LABELS, SOURCE_LABELS, STAGES

HEADER = """# Indicateurs du tableau de pilotage

Généré par `python manage.py indicators_doc --write` à partir de `binome/steering/registry.py` : le
tableau de bord (« définition » à côté de chaque chiffre), l'onglet Explications du tableau de pilotage
xlsx et le dossier du Cotech lisent le même texte. Un test échoue quand ce fichier n'est plus à jour.

- **Source** : {sources}.
- **Période** : {periods}.
- Une valeur qui manque s'affiche « non renseigné » (chiffres déclarés) ou « — » (rien à calculer) :
  jamais un zéro qui n'en est pas un.
- Un binôme compte à partir de son **lancement** (toutes les signatures de la convention individuelle
  réunies et rencontre de lancement tenue) ; avant, il est « convention à signer » ou « signé, pas encore
  lancé », deux lignes à part.
- Les chiffres d'une période passée sont ceux du dernier jour de la période : chaque fait compté est daté
  (lancement, clôture, rencontre, proposition, évaluation, orientation), si bien qu'un export d'un mois
  passé reste le même après un mois d'activité de plus. Les indicateurs « état du jour » n'ont pas
  d'historique : ils ne figurent pas dans l'export d'une période terminée.
"""


def _cell(text: str) -> str:
    return (text or "—").replace("|", "\\|").replace("\n", " ")


def render() -> str:
    sources = " ; ".join(f"« {label} »" for label in SOURCE_LABELS.values())
    periods = " ; ".join(f"« {label} »" for label in PERIOD_LABELS.values())
    lines = [HEADER.format(sources=sources, periods=periods)]
    for stage in STAGES:
        lines += ["", f"## {stage.label}", "", stage.definition, ""]
        lines.append("| indicateur | définition | numérateur | dénominateur | source | période | référence |")
        lines.append("|---|---|---|---|---|---|---|")
        for indicator in INDICATORS:
            if indicator.stage != stage.key:
                continue
            cells = [
                f"**{indicator.label}** (`{indicator.key}`)",
                indicator.full_definition,
                indicator.numerator,
                indicator.denominator,
                indicator.source_label,
                indicator.period_label.split(" :")[0],
                indicator.reference,
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "## Répartitions", "", "| répartition | définition |", "|---|---|"]
    for dimension in DIMENSIONS:
        lines.append(
            f"| **{_cell(dimension.heading)}** (`{dimension.key}`) | {_cell(dimension.definition)} |"
        )
    return "\n".join(lines) + "\n"
