"""What the demo builders hand to each other: the département and the organisations and people made so far."""

from dataclasses import dataclass, field

from binome.accounts.models import Organisation, User
from binome.territories.models import Territory


@dataclass
class DemoWorld:
    departement: Organisation
    associations: list[Organisation] = field(default_factory=list)
    ase_services: list[Organisation] = field(default_factory=list)
    territories: list[Territory] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
