"""Art. D.221-36 from the pilot's routing page: give the mentoring to the youth's ASE service, failing an
association (see `youths.ase_coordination`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from binome.accounts.perms import policy
from binome.utils.forms import error_messages
from binome.youths.ase_coordination import coordinating_service, referral_route_to_service
from binome.youths.models import Referral


@policy("referrals.route")
@require_POST
def referral_route_to_service_view(request, referral_id):
    referral = get_object_or_404(
        Referral.objects.filter(departement=request.organisation).select_related("youth__ase_service"),
        pk=referral_id,
    )
    try:
        referral_route_to_service(referral=referral, by=request.user, organisation=request.organisation)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("youths:referral_route", referral_id=referral.pk)
    messages.success(
        request,
        f"Le mentorat est confié à {coordinating_service(referral)}, qui choisira le mentor parmi les siens.",
    )
    return redirect("youths:routing_queue")
