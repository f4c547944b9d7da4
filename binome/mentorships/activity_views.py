"""Collective activities (workshops, outings, national days): registrations and attendance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst

from binome.accounts.perms import policy
from binome.audit.services import log_access
from binome.mentorships import activities
from binome.mentorships.forms import ActivityForm
from binome.mentorships.models import Activity
from binome.utils.forms import error_messages
from binome.utils.french import plural


def _activities(request):
    return Activity.objects.filter(association=request.organisation)


@policy("activities.manage")
def activity_list(request):
    items = _activities(request).annotate(
        registered=Count("registrations"),
        present=Count("registrations", filter=Q(registrations__attended=True)),
    )
    now = timezone.now()
    return render(
        request,
        "mentorships/activity_list.html",
        {
            "upcoming": items.filter(starts_at__gte=now).order_by("starts_at"),
            "past": items.filter(starts_at__lt=now),
        },
    )


@policy("activities.manage")
def activity_edit(request, activity_id=None):
    activity = get_object_or_404(_activities(request), pk=activity_id) if activity_id else None
    title = f"Modifier « {activity.title} »" if activity else "Nouvelle activité collective"
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        activity.association = request.organisation
        activity.save()
        messages.success(request, "L'activité est enregistrée.")
        return redirect("mentorships:activity_detail", activity_id=activity.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "back_url": "mentorships:activity_list",
            "back_label": "Activités collectives",
        },
        status=422 if form.errors else 200,
    )


@policy("activities.manage")
def activity_detail(request, activity_id):
    activity = get_object_or_404(_activities(request), pk=activity_id)
    if request.method == "POST":
        try:
            if "register" in request.POST:
                added = activities.register(
                    activity=activity, people=request.POST.getlist("person"), by=request.user
                )
                registered = plural(
                    added, "inscription enregistrée", "inscriptions enregistrées", feminine=True
                )
                messages.success(request, f"{capfirst(registered)}.")
            else:
                activities.attendance(
                    activity=activity, present_ids=set(request.POST.getlist("attended")), by=request.user
                )
                messages.success(request, "Les présences sont enregistrées.")
        except ValidationError as error:
            error_messages(request, error)
        return redirect("mentorships:activity_detail", activity_id=activity.pk)
    log_access(
        user=request.user,
        organisation=request.organisation,
        action="list",
        object_type="mentorships.activity",
    )
    registrations = activity.registrations.select_related("youth", "mentor").order_by(
        "youth__last_name", "mentor__last_name"
    )
    candidates = activities.candidates(activity)
    return render(
        request,
        "mentorships/activity_detail.html",
        {
            "activity": activity,
            "registrations": registrations,
            "youth_candidates": sorted((c for c in candidates if c[0].startswith("y:")), key=lambda c: c[1]),
            "mentor_candidates": sorted((c for c in candidates if c[0].startswith("m:")), key=lambda c: c[1]),
            "past": activity.starts_at <= timezone.now(),
        },
    )
