"""`{% load label_tags %}`: the Label Mentorat in a table cell (`label_short`) or a sentence (`label_summary`)."""

from django import template

from binome.accounts import labels

register = template.Library()

register.filter("label_short", labels.label_short)
register.filter("label_summary", labels.label_summary)
register.filter("label_expired", labels.label_expired)
