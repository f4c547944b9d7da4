"""The access-log page (« Journal d'accès »): who read which youth's or mentor's data, for the people the
access rules let see it. The log itself (model, `log_access`) is audit's, below accounts; the page uses
the access rules, so it lives here. URL namespace `audit:` kept (access_log_urls.py)."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render

from binome.accounts.perms import policy
from binome.audit.models import AccessLog, Action


class AccessLogFilterForm(forms.Form):
    start = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Toutes"), *Action.choices])
    object_id = forms.CharField(label="Identifiant de l'objet", required=False, max_length=40)


@policy("audit.view")
def access_log(request):
    entries = AccessLog.objects.visible_to(request.user, request.membership).select_related(
        "user", "organisation"
    )
    form = AccessLogFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["start"]:
            entries = entries.filter(at__date__gte=data["start"])
        if data["end"]:
            entries = entries.filter(at__date__lt=data["end"] + datetime.timedelta(days=1))
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"].strip())
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/access_log.html", {"form": form, "page": page, "query": query.urlencode()})
