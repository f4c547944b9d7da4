"""The association manager's page for API tokens: list, create (shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from binome.accounts.perms import policy
from binome.api.forms import TokenForm
from binome.api.models import ApiToken, Scope
from binome.api.services import token_create, token_revoke
from binome.audit.services import log_access
from binome.utils.forms import apply_validation_error


@policy("api.tokens")
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = token_create(
                association=request.organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            log_access(user=request.user, organisation=request.organisation, action="create", obj=token)
            created = {"token": token, "raw": raw}
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(association=request.organisation).select_related(
                "created_by", "revoked_by"
            ),
            "scopes": Scope.choices,
        },
        status=422 if form.errors else 200,
    )


@policy("api.tokens")
@require_POST
def token_revoke_view(request, token_id):
    token = get_object_or_404(ApiToken.objects.filter(association=request.organisation), pk=token_id)
    if token_revoke(token=token, by=request.user):
        log_access(user=request.user, organisation=request.organisation, action="update", obj=token)
        messages.success(request, f"Jeton « {token.name} » révoqué : il ne fonctionne plus.")
    else:
        messages.info(request, "Ce jeton était déjà révoqué.")
    return redirect("api:tokens")
