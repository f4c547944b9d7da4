from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from binome.accounts.models import Organisation
from binome.accounts.perms import can, policy
from binome.audit.services import log_access
from binome.conventions.models import Convention
from binome.matching import candidates, pools, services
from binome.matching.forms import RejectForm, TableFilterForm, WeightsForm
from binome.matching.models import MatchingWeights, Proposal, ProposalBatch, ProposalState
from binome.matching.scoring import hard_violations, max_score, score
from binome.mentors.models import Mentor
from binome.mentorships.models import Mentorship
from binome.territories.models import Commune
from binome.utils.choices import Modality
from binome.utils.forms import apply_validation_error, error_messages
from binome.youths import rules

LIST_SIZE = 20
COMPATIBLE_MODALITIES = {
    Modality.IN_PERSON: [Modality.IN_PERSON, Modality.HYBRID],
    Modality.REMOTE: [Modality.REMOTE, Modality.HYBRID],
    Modality.HYBRID: list(Modality.values),
}


def _waiting_days(referral, today) -> int:
    return (today - timezone.localdate(referral.accepted_at)).days if referral.accepted_at else 0


def _filters(request, association):
    departements = association.departements()
    communes = Commune.objects.filter(
        departement_code__in=list(departements.values_list("insee_code", flat=True))
    ).values_list("insee_code", "name")
    form = TableFilterForm(
        request.GET or None,
        objectives=TableFilterForm.objective_choices(departements),
        communes=list(communes),
    )
    return form, (form.cleaned_data if form.is_valid() else {})


@policy("matching.manage")
def table(request):
    """The matching table: waiting youths and available mentors side by side."""
    association = request.organisation
    today = timezone.localdate()
    form, wanted = _filters(request, association)
    referrals = pools.waiting_referrals([association]).order_by("accepted_at")
    mentors = pools.available_mentors([association]).order_by("last_name", "first_name")
    # Youths are filtered on what they are; mentors on whether they could meet such youths.
    if wanted.get("modality"):
        referrals = referrals.filter(youth__modality=wanted["modality"])
        mentors = mentors.filter(modality__in=COMPATIBLE_MODALITIES[wanted["modality"]])
    if wanted.get("gender"):
        referrals = referrals.filter(youth__gender=wanted["gender"])
    if wanted.get("commune"):
        referrals = referrals.filter(youth__commune_id=wanted["commune"])
    if wanted.get("objective"):
        referrals = referrals.filter(youth__objectives__code=wanted["objective"])
    referrals = referrals.annotate(
        pending=Count("proposals", filter=Q(proposals__state=ProposalState.PENDING), distinct=True)
    )
    mentor_list = [m for m in mentors if not wanted.get("objective") or wanted["objective"] in m.objectives]
    youth_page = Paginator(referrals, 50).get_page(request.GET.get("page_jeunes"))
    mentor_page = Paginator(mentor_list, 50).get_page(request.GET.get("page_mentors"))
    gate = set(
        pools.matchable_referrals([association])
        .filter(pk__in=[r.pk for r in youth_page])
        .values_list("pk", flat=True)
    )
    for referral in youth_page:
        referral.waiting_days = _waiting_days(referral, today)
        referral.gate_open = referral.pk in gate
    query = request.GET.copy()
    for param in ("page_jeunes", "page_mentors"):
        query.pop(param, None)
    log_access(user=request.user, organisation=association, action="read", object_type="matching.table")
    return render(
        request,
        "matching/table.html",
        {
            "form": form,
            "query": query.urlencode(),
            "youth_page": youth_page,
            "mentor_page": mentor_page,
            "pending": Proposal.objects.visible_to(request.membership).pending().count(),
            "late_after": 30,
        },
    )


def _rule_summary(youth_side, mentors) -> Counter:
    """Why the other mentors are not candidates, counted by rule."""
    reasons = Counter()
    for mentor in mentors:
        for problem in hard_violations(youth_side, pools.mentor_side(mentor)):
            reasons[_rule_name(problem)] += 1
    return reasons


def _rule_name(problem: str) -> str:
    if problem.startswith("à "):
        return "hors du rayon de déplacement du mentor"
    if problem.startswith("le jeune a demandé"):
        return "d'un autre genre que celui demandé par le jeune"
    return "modalités incompatibles (présentiel et distance)"


@policy("matching.manage")
def youth_candidates(request, referral_id):
    """Ranked mentors for one waiting youth, each with the score broken down by criterion."""
    association = request.organisation
    referral = get_object_or_404(pools.waiting_referrals([association]), pk=referral_id)
    youth = referral.youth
    mentors = list(pools.available_mentors([association]))
    excluded_ids = {m for _, m in pools.excluded_pairs([youth.pk], [m.pk for m in mentors])}
    weights = MatchingWeights.for_organisation(association).as_dict()
    side = pools.youth_side(youth)
    ycols, mcols = candidates.columns(
        [side], [0], [pools.mentor_side(m) for m in mentors], [0] * len(mentors)
    )
    excluded = [i for i, m in enumerate(mentors) if m.pk in excluded_ids]
    best = candidates.ranked_mentors(ycols, mcols, 0, weights=weights, excluded=excluded, limit=LIST_SIZE)
    pending = set(Proposal.objects.pending().filter(youth=youth).values_list("mentor_id", flat=True))
    rows = [
        {
            "mentor": mentors[i],
            "score": score(side, pools.mentor_side(mentors[i]), weights),
            "pending": mentors[i].pk in pending,
        }
        for i, _ in best
    ]
    log_access(user=request.user, organisation=association, action="read", obj=youth)
    return render(
        request,
        "matching/youth_candidates.html",
        {
            "referral": referral,
            "youth": youth,
            "blockers": rules.submission_blockers(youth),
            "waiting_days": _waiting_days(referral, timezone.localdate()),
            "rows": rows,
            "max_score": max_score(weights),
            "n_mentors": len(mentors),
            "n_excluded_before": len(excluded_ids),
            "rules": sorted(_rule_summary(side, mentors).items(), key=lambda item: -item[1]),
        },
    )


@policy("matching.manage")
def mentor_candidates(request, mentor_id):
    """Ranked waiting youths for one available mentor."""
    association = request.organisation
    mentor = get_object_or_404(pools.available_mentors([association]), pk=mentor_id)
    referrals = list(pools.waiting_referrals([association]))
    excluded_ids = {y for y, _ in pools.excluded_pairs([r.youth_id for r in referrals], [mentor.pk])}
    weights = MatchingWeights.for_organisation(association).as_dict()
    side = pools.mentor_side(mentor)
    youth_sides = [pools.youth_side(r.youth) for r in referrals]
    ycols, mcols = candidates.columns(youth_sides, [0] * len(referrals), [side], [0])
    excluded = [i for i, r in enumerate(referrals) if r.youth_id in excluded_ids]
    best = candidates.ranked_youths(ycols, mcols, 0, weights=weights, excluded=excluded, limit=LIST_SIZE)
    today = timezone.localdate()
    rows = [
        {
            "referral": referrals[i],
            "waiting_days": _waiting_days(referrals[i], today),
            "score": score(youth_sides[i], side, weights),
        }
        for i, _ in best
    ]
    log_access(user=request.user, organisation=association, action="read", obj=mentor)
    return render(
        request,
        "matching/mentor_candidates.html",
        {"mentor": mentor, "rows": rows, "max_score": max_score(weights), "n_youths": len(referrals)},
    )


@policy("matching.manage")
@require_POST
def propose(request, referral_id, mentor_id):
    association = request.organisation
    referral = get_object_or_404(pools.waiting_referrals([association]), pk=referral_id)
    mentor = get_object_or_404(Mentor.objects.visible_to(request.membership), pk=mentor_id)
    try:
        services.proposal_create(referral=referral, mentor=mentor, by=request.user, organisation=association)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("matching:youth_candidates", referral_id=referral.pk)
    messages.success(request, "Binôme proposé : validez-le ou écartez-le dans la liste des propositions.")
    return redirect("matching:proposals")


@policy("matching.manage")
def proposals(request, reject_forms=None):
    """Pending proposals, best first, to accept or set aside one by one."""
    association = request.organisation
    today = timezone.localdate()
    pending = list(
        Proposal.objects.visible_to(request.membership)
        .pending()
        .select_related("youth__commune", "mentor__commune", "referral")
        .order_by("referral__accepted_at", "-score")
    )
    reject_forms = reject_forms or {}
    best_possible = max_score(MatchingWeights.for_organisation(association).as_dict())
    for proposal in pending:
        proposal.max_score = best_possible
        proposal.waiting_days = _waiting_days(proposal.referral, today)
        proposal.reject_form = reject_forms.get(proposal.pk) or RejectForm(prefix=str(proposal.pk))
    decided = list(
        Proposal.objects.visible_to(request.membership)
        .filter(state__in=[ProposalState.ACCEPTED, ProposalState.REJECTED])
        .select_related("youth", "mentor")
        .order_by("-decided_at")[:10]
    )
    pairs = {
        (m.youth_id, m.mentor_id): m
        for m in Mentorship.objects.visible_to(request.membership).filter(
            youth__in=[p.youth_id for p in decided], mentor__in=[p.mentor_id for p in decided]
        )
    }
    for proposal in decided:
        proposal.pair = pairs.get((proposal.youth_id, proposal.mentor_id))
    validated = None
    if request.GET.get("binome"):
        try:
            validated = (
                Mentorship.objects.visible_to(request.membership)
                .select_related("youth", "mentor")
                .filter(pk=request.GET["binome"])
                .first()
            )
        except ValidationError:  # not a UUID
            validated = None
    waiting = pools.waiting_referrals([association]).count()
    log_access(user=request.user, organisation=association, action="read", object_type="matching.proposals")
    return render(
        request,
        "matching/proposals.html",
        {
            "pending": pending,
            "decided": decided,
            "validated": validated,
            "validated_agreement": validated.agreements.order_by("number").first() if validated else None,
            "batch": ProposalBatch.objects.filter(
                Q(association=association) | Q(departement__in=association.departements())
            ).first(),
            "waiting": waiting,
            "available": pools.available_mentors([association]).count(),
        },
        status=400 if reject_forms else 200,
    )


@policy("matching.manage")
@require_POST
def batch_run(request):
    association = request.organisation
    batch = services.batch_propose(associations=[association], by=request.user)
    if not batch.n_youths:
        messages.info(
            request,
            "Aucun jeune en attente ne peut être proposé (dossier complet, pas déjà proposé à la main) : "
            "rien à calculer.",
        )
    elif not batch.matched:
        messages.warning(
            request,
            f"Aucun binôme possible pour les {batch.n_youths} jeunes en attente : aucun mentor disponible "
            "ne respecte les règles (modalité, rayon de déplacement, genre demandé, binômes déjà écartés).",
        )
    else:
        messages.success(
            request,
            f"{batch.matched} binôme{'s' if batch.matched > 1 else ''} proposé{'s' if batch.matched > 1 else ''} "
            f"pour {batch.n_youths} jeune{'s' if batch.n_youths > 1 else ''} en attente. "
            "Chaque proposition attend votre validation.",
        )
    return redirect("matching:proposals")


@policy("matching.manage")
@require_POST
def proposal_accept(request, proposal_id):
    proposal = get_object_or_404(Proposal.objects.visible_to(request.membership), pk=proposal_id)
    try:
        mentorship = services.proposal_accept(
            proposal=proposal, by=request.user, organisation=request.organisation
        )
    except ValidationError as error:
        error_messages(request, error)
        return redirect("matching:proposals")
    messages.success(
        request,
        "Binôme validé. Il démarrera quand toutes les signatures de la convention seront recueillies.",
    )
    # The next step, in reach: the new pair and its agreement to print (the id is an opaque UUID).
    return redirect(reverse("matching:proposals") + f"?binome={mentorship.pk}")


@policy("matching.manage")
@require_POST
def proposal_reject(request, proposal_id):
    proposal = get_object_or_404(Proposal.objects.visible_to(request.membership), pk=proposal_id)
    form = RejectForm(request.POST, prefix=str(proposal.pk))
    if form.is_valid():
        try:
            services.proposal_reject(
                proposal=proposal,
                by=request.user,
                organisation=request.organisation,
                reason=form.cleaned_data["reject_reason"],
                comment=form.cleaned_data["reject_comment"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
    if form.errors:
        return proposals(request, reject_forms={proposal.pk: form})
    messages.success(
        request,
        "Proposition écartée : ce binôme ne sera plus proposé. Vous pouvez recalculer les propositions.",
    )
    return redirect("matching:proposals")


@policy("matching.weights")
def weights(request):
    association = request.organisation
    instance = MatchingWeights.for_organisation(association)
    form = WeightsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Pondération enregistrée : elle s'applique aux prochains calculs.")
        return redirect("matching:proposals")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Poids des critères de mise en binôme",
            "back_url": "matching:proposals",
            "warning": "Les poids vont de 0 (critère ignoré) à 10. Disponibilités, distance et objectifs "
            "pèsent le plus par défaut : la plupart des fins précoces viennent du manque de temps ou "
            "d'un déménagement du mentor.",
        },
        status=400 if form.errors else 200,
    )


# --- The département's view: figures only, no names ----------------------------------------------------


def _associations_of(departement):
    return Organisation.objects.filter(
        pk__in=Convention.objects.current().filter(departement=departement).values("association")
    ).order_by("name")


@policy("matching.overview")
def departement_overview(request):
    departement = request.organisation
    associations = list(_associations_of(departement))
    today = timezone.localdate()
    waiting = dict(
        pools.waiting_referrals(associations, departement)
        .values_list("association")
        .annotate(n=Count("id"))
        .values_list("association", "n")
    )
    oldest = dict(
        pools.waiting_referrals(associations, departement)
        .values("association")
        .annotate(first=Min("accepted_at"))
        .values_list("association", "first")
    )
    available = dict(
        pools.available_mentors(associations)
        .values("association")
        .annotate(n=Count("id"))
        .values_list("association", "n")
    )
    pending = dict(
        Proposal.objects.pending()
        .filter(association__in=associations, referral__departement=departement)
        .values("association")
        .annotate(n=Count("id"))
        .values_list("association", "n")
    )
    rows = [
        {
            "association": a,
            "waiting": waiting.get(a.pk, 0),
            "oldest_days": (today - timezone.localdate(oldest[a.pk])).days if oldest.get(a.pk) else None,
            "available": available.get(a.pk, 0),
            "pending": pending.get(a.pk, 0),
        }
        for a in associations
    ]
    return render(
        request,
        "matching/departement.html",
        {
            "rows": rows,
            "batch": ProposalBatch.objects.filter(departement=departement).first(),
            "can_run": can(request, "matching.departement_run"),
        },
    )


@policy("matching.departement_run")
@require_POST
def departement_run(request):
    departement = request.organisation
    batch = services.batch_propose(
        associations=_associations_of(departement), by=request.user, departement=departement
    )
    messages.success(
        request,
        f"{batch.matched} binôme{'s' if batch.matched > 1 else ''} proposé{'s' if batch.matched > 1 else ''} "
        f"sur {batch.n_youths} jeune{'s' if batch.n_youths > 1 else ''} en attente. Chaque association "
        "valide ou écarte ses propositions.",
    )
    return redirect("matching:departement")
