"""ProConnect sign-in: the State's OpenID Connect federation for public servants (docs/proconnect.md).

django-allauth's OpenID Connect provider, extended where ProConnect differs: signed userinfo (a JWT
checked against the provider's published keys), `acr_values` and `claims` on the authorization
request, a nonce, and logout through the federation. An identity links to an existing account by
its e-mail address only; it never creates an account nor a membership.
"""
