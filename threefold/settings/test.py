"""Settings for the test suite: fixed throw-away keys, a fast password hasher, e-mail kept in memory."""

import base64
import os
import tempfile
from pathlib import Path

os.environ.setdefault("THREEFOLD_SECRET_KEY", "test-secret-key-not-for-any-deployment-" + "x" * 20)
os.environ.setdefault("THREEFOLD_MASTER_KEY", base64.b64encode(b"T" * 32).decode())
os.environ.setdefault("THREEFOLD_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))

from threefold.settings.base import *

# Argon2 is the production hasher (see base); the suite creates hundreds of users, so it hashes cheaply.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
# Uploads of a test run go to a throw-away folder, not into var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="threefold-test-media-"))
