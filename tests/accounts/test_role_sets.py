"""Who sees which rows is read from the role sets named in accounts/perms.py, never from role tuples
written again in each `visible_to`."""

import inspect
import re

from django.apps import apps

from binome.accounts.models import Role
from binome.accounts.perms import ASSOCIATION_ROLES, DEPARTEMENT_ROLES

HARD_CODED_SET = re.compile(r"[(\[{]\s*Role\.\w+\s*,\s*Role\.\w+")


def _visible_to_methods():
    seen = set()
    for model in apps.get_models():
        queryset = type(model._default_manager.get_queryset())
        method = getattr(queryset, "visible_to", None)
        if method is not None and method not in seen and model.__module__.startswith("binome."):
            seen.add(method)
            yield model.__name__, method


def test_visible_to_querysets_write_no_role_set_of_their_own():
    methods = dict(_visible_to_methods())
    assert len(methods) >= 8  # youths, mentors, pairs, proposals, reports…
    offenders = [name for name, method in methods.items() if HARD_CODED_SET.search(inspect.getsource(method))]
    assert offenders == []


def test_the_named_sets_are_the_staff_of_each_side():
    assert {Role.MANAGER, Role.COORDINATOR} == ASSOCIATION_ROLES
    assert {Role.PILOT, Role.VIEWER} == DEPARTEMENT_ROLES
