"""A record's life written as one table: for each state, the actions allowed there and the state each
leads to. The services check their action through it (`Lifecycle.check`), and docs/architecture.md draws
it (`Lifecycle.mermaid`, kept current by `manage.py lifecycles_doc --write`, checked by a test)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Lifecycle:
    states: type  # the model's TextChoices
    initial: str
    table: dict  # state → {action: next state}
    actions: dict  # action → what it is called, in French (the label on the diagram)

    def __post_init__(self):
        assert set(self.table) == set(self.states), "every state has its line, even with no way out"
        for moves in self.table.values():
            assert set(moves) <= set(self.actions), set(moves) - set(self.actions)
            assert set(moves.values()) <= set(self.states)

    def allows(self, state: str, action: str) -> bool:
        return action in self.table[self.states(state)]

    def next_state(self, state: str, action: str) -> str:
        return self.table[self.states(state)][action]

    def next_states(self, state: str) -> set:
        return set(self.table[self.states(state)].values())

    def check(self, state: str, action: str, message: str) -> str:
        """The state `action` leads to from `state`, or a ValidationError with `message`."""
        if not self.allows(state, action):
            raise ValidationError(message)
        return self.next_state(state, action)

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2"]
        lines += [f'    state "{state.label}" as {state.value}' for state in self.states]
        lines.append(f"    [*] --> {self.states(self.initial).value}")
        for state, moves in self.table.items():
            for action, target in moves.items():
                lines.append(f"    {state.value} --> {self.states(target).value} : {self.actions[action]}")
        return "\n".join(lines)
