from django.urls import reverse

from binome.accounts.models import Role
from binome.matching.models import Proposal
from binome.utils.attention import Item, provider


@provider(Role.MANAGER, Role.COORDINATOR)
def proposals_to_decide(request):
    count = Proposal.objects.visible_to(request.membership).pending().count()
    if not count:
        return []
    return [
        Item(
            "Propositions de binômes à valider",
            "Validez chaque binôme proposé ou écartez-le avec un motif.",
            reverse("matching:proposals"),
            level="warning",
            count=count,
        )
    ]
