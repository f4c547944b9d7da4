"""What the reporting cycle asks of the steering engine, which sits above it.

Reporting never imports steering (steering reads reporting's declared figures and imported pairs): the
steering app registers its functions here when Django starts (`SteeringConfig.ready`), as
`home/attention.py` lets higher apps register what needs attention. Until then — or in a project
without steering — each read answers that nothing is available.
"""

_providers: dict = {}


def provide(name: str):
    """Decorator: register `func` under `name` (steering's apps.ready imports the module holding it)."""

    def register(func):
        _providers[name] = func
        return func

    return register


def call(name: str, *args, **kwargs):
    """The registered function's answer; None when nothing is registered under `name`."""
    provider = _providers.get(name)
    return None if provider is None else provider(*args, **kwargs)
