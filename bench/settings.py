"""The benchmark's serving settings: production's, with the bench-only URLconf (bench/urls.py adds the
minimal DRF baseline view of the project list API) and plain HTTP on loopback.

    DJANGO_SETTINGS_MODULE=bench.settings  (bench/api.py sets it, with the environment production needs)
"""

from cizhou_invest.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# wrk talks plain HTTP to 127.0.0.1; production redirects that to HTTPS (its proxy terminates TLS).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
