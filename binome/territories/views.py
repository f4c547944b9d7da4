from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from binome.accounts.perms import policy
from binome.territories.forms import TerritoryForm
from binome.territories.models import Commune, Territory


@policy("references.manage")
def territory_list(request):
    territories = Territory.objects.filter(departement=request.organisation).annotate(n=Count("communes"))
    covered = Commune.objects.filter(territories__departement=request.organisation).distinct().count()
    total = Commune.objects.filter(departement_code=request.organisation.insee_code).count()
    return render(
        request,
        "territories/territory_list.html",
        {
            "territories": territories,
            "uncovered": total - covered,
            "total": total,
        },
    )


@policy("references.manage")
def territory_edit(request, territory_id=None):
    territory = (
        get_object_or_404(Territory, pk=territory_id, departement=request.organisation)
        if territory_id
        else None
    )
    form = TerritoryForm(request.POST or None, instance=territory, departement=request.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le territoire est enregistré.")
        return redirect("territories:list")
    return render(
        request,
        "territories/territory_form.html",
        {"form": form, "territory": territory},
        status=422 if form.errors else 200,
    )
