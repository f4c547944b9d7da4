"""`manage.py runserver` speaking French (./run's terminal): no English banner, French errors.

An app of its own, listed before whitenoise's, because the first app that provides a command wins."""
