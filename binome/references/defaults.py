"""National defaults, from the toolkit and the decree. A département starts with these."""

from binome.references.models import ReferenceKind

DEFAULTS = {
    ReferenceKind.SCHOOL_LEVEL: [
        ("cm2", "CM2 (école élémentaire)"),
        ("6e", "6e (entrée au collège)"),
        ("5e", "5e"),
        ("4e", "4e"),
        ("3e", "3e"),
        ("2nde", "Seconde"),
        ("1re", "Première"),
        ("tle", "Terminale"),
        ("cap", "CAP"),
        ("bac_pro", "Baccalauréat professionnel"),
        ("post_bac", "Études supérieures (BTS, BUT, université…)"),
        ("insertion", "Insertion (mission locale, service civique, emploi…)"),
        ("descolarise", "Sans scolarité ou déscolarisé"),
    ],
    ReferenceKind.CARE_MEASURE: [
        ("accueil_provisoire", "Accueil provisoire (art. L.222-5 CASF)"),
        ("placement_judiciaire", "Placement judiciaire (assistance éducative)"),
        ("dap", "Délégation d'autorité parentale"),
        ("tutelle", "Tutelle (hors pupille)"),
        ("pupille", "Pupille de l'État"),
        ("apjm", "Accompagnement jeune majeur (APJM)"),
        ("aed", "Aide éducative à domicile (AED)"),
        ("aemo", "Action éducative en milieu ouvert (AEMO)"),
    ],
    ReferenceKind.OBJECTIVE: [
        ("school_support", "Soutien scolaire"),
        ("orientation", "Orientation scolaire et professionnelle"),
        ("job_insertion", "Insertion professionnelle"),
        ("socio_emotional", "Soutien socio-affectif et ouverture culturelle"),
    ],
    ReferenceKind.DECLINE_REASON: [
        ("no_capacity", "Plus de place disponible"),
        ("out_of_territory", "Hors du territoire couvert"),
        ("objective_mismatch", "Objectif hors du champ de l'association"),
        ("age_out_of_range", "Âge hors du public accompagné"),
        ("other", "Autre motif (précisé en commentaire)"),
    ],
    ReferenceKind.WITHDRAWAL_REASON: [
        ("consent_withdrawn", "Retrait d'un consentement"),
        ("not_in_interest", "Le mentorat n'est plus dans l'intérêt du jeune"),
        ("youth_changed_mind", "Le jeune ne souhaite plus de mentor"),
        ("end_of_care", "Fin de la prise en charge ASE"),
        ("move", "Déménagement ou changement de lieu d'accueil"),
        ("other", "Autre motif"),
    ],
}
