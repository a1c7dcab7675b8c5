"""Settings of the partner-API benchmark's server (bench/bench_partner_list.py): the product's
settings, plus a URL conf with a bare DRF list view to compare against, and a per-token quota
high enough that 20 clients are never throttled (the throttle still runs on every request)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.partner_bench_urls"
PARTNER_API_THROTTLE_RATE = "1000000/min"
