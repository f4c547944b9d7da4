"""What needs the attention of the person logged in, by role.

Each app contributes items through a provider registered here (from its `attention` module, imported
by its AppConfig.ready), so the home page grows with the product without knowing every app, and no app
imports the home app. A provider returns a list of `Item`s (empty when nothing is due).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Item:
    title: str
    detail: str
    url: str
    level: str = "info"  # info | warning | danger
    count: int | None = None


PROVIDERS: list[tuple[frozenset, Callable]] = []


def provider(*roles):
    def register(function):
        PROVIDERS.append((frozenset(roles), function))
        return function

    return register


def items_for(request) -> list[Item]:
    membership = request.membership
    if membership is None:
        return []
    items = []
    for roles, function in PROVIDERS:
        if membership.role in roles:
            items.extend(function(request))
    order = {"danger": 0, "warning": 1, "info": 2}
    return sorted(items, key=lambda item: order[item.level])
