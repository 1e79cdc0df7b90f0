"""Production: refuses to start without its secrets, allowed hosts and HTTPS-only cookies.

Every value still comes from the environment; this module only removes the development conveniences and
turns the settings that ``manage.py check --deploy`` asks for into requirements.
"""

from threefold.env import ConfigError, env_bool, env_int, env_key, env_list, env_secret, env_str
from threefold.settings.base import *

if DEBUG:
    raise ConfigError("THREEFOLD_DEBUG must be off in production.")
# Production never falls back to keys under var/: they must come from the environment or a secrets file.
SECRET_KEY = env_secret("THREEFOLD_SECRET_KEY")
THREEFOLD_MASTER_KEY = env_key("THREEFOLD_MASTER_KEY", required=True)
if len(SECRET_KEY) < 50:
    raise ConfigError("THREEFOLD_SECRET_KEY must be at least 50 characters long in production.")
ALLOWED_HOSTS = env_list("THREEFOLD_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ConfigError("THREEFOLD_ALLOWED_HOSTS must list the host names this deployment answers to.")
if not env_bool("THREEFOLD_SECURE_COOKIES", True):
    raise ConfigError(
        "THREEFOLD_SECURE_COOKIES cannot be turned off in production: cookies go over HTTPS only."
    )
if DEMO_MODE:
    raise ConfigError("THREEFOLD_DEMO must be off in production.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("THREEFOLD_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("THREEFOLD_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("THREEFOLD_HSTS_PRELOAD", True)
if env_bool("THREEFOLD_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = env_str("THREEFOLD_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
EMAIL_HOST = env_str("THREEFOLD_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("THREEFOLD_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("THREEFOLD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("THREEFOLD_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("THREEFOLD_EMAIL_TLS", True)
EMAIL_TIMEOUT = 20
