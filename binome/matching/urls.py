from django.urls import path

from binome.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.table, name="table"),
    path("jeunes/<uuid:referral_id>/", views.youth_candidates, name="youth_candidates"),
    path("jeunes/<uuid:referral_id>/proposer/<uuid:mentor_id>/", views.propose, name="propose"),
    path("mentors/<uuid:mentor_id>/", views.mentor_candidates, name="mentor_candidates"),
    path("propositions/", views.proposals, name="proposals"),
    path("propositions/calculer/", views.batch_run, name="batch_run"),
    path("propositions/<uuid:proposal_id>/valider/", views.proposal_accept, name="proposal_accept"),
    path("propositions/<uuid:proposal_id>/ecarter/", views.proposal_reject, name="proposal_reject"),
    path("ponderation/", views.weights, name="weights"),
    path("departement/", views.departement_overview, name="departement"),
    path("departement/calculer/", views.departement_run, name="departement_run"),
]
