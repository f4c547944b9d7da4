"""The keys Binôme keeps in a signed-in person's session, in one place that imports nothing, so the
middleware, the login adapters and ProConnect's sign-in can all read them without importing each other."""

SESSION_LOGIN_AT = "binome_login_at"  # when the person signed in (absolute session lifetime)
SESSION_MEMBERSHIP = "binome_membership"  # the membership (organisation and role) the person works as
