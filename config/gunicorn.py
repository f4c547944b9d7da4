"""gunicorn's settings: `gunicorn -c config/gunicorn.py config.wsgi`.

The access log keeps the path only, with the secret of token links masked (invitation, mentor's
access link, questionnaire, password reset) and no query string (a search may hold a name)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
logger_class = "binome.utils.logredact.GunicornLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
