"""The French helpers as template filters, a builtin (settings.TEMPLATES): every template and e-mail
has them without `{% load %}`.

    {{ youth.first_name|de }}                 → d'Inès / de Paul
    {{ organisation|de }}                     → du Département de la Loire-Atlantique
    {{ organisation|a }}                      → à l'Association… / au Service ASE…
    {{ title|le:"f" }}                        → la convention individuelle / l'avenant n° 1
    {{ count|plural:"jeune" }}                → aucun jeune / 1 jeune / 2 jeunes
    {{ count|plural_f:"fiche créée,fiches créées" }}  → aucune fiche créée / 2 fiches créées
    {{ role|lower_text }}                     → référent·e ASE
    {{ days|since_days }}                     → depuis aujourd'hui / depuis 3 jours
"""

from django import template

from binome.utils import french

register = template.Library()


def _gender(arg):
    return {"f": True, "m": False}.get(arg)


@register.filter(name="de")
def de_filter(value, gender=None):
    return french.de(value, _gender(gender))


@register.filter(name="a")
def a_filter(value, gender=None):
    return french.a(value, _gender(gender))


@register.filter(name="le")
def le_filter(value, gender=None):
    return french.article(value, _gender(gender))


def _forms(spec: str):
    singular, _, plural_text = str(spec).partition(",")
    return singular.strip(), (plural_text.strip() or None)


@register.filter(name="plural")
def plural_filter(count, spec):
    singular, plural_text = _forms(spec)
    return french.plural(count, singular, plural_text)


@register.filter(name="plural_f")
def plural_f_filter(count, spec):
    singular, plural_text = _forms(spec)
    return french.plural(count, singular, plural_text, feminine=True)


@register.filter(name="lower_text")
def lower_text_filter(value):
    return french.lower_text(value)


@register.filter(name="since_days")
def since_days_filter(value):
    return french.since_days(value)
