"""Hamdeli: a Telegram and Bale bot that connects donors with people in need."""

import os

# Opt into PTB's timedelta API for time periods (its coming default): `RetryAfter.retry_after`
# and friends are timedeltas everywhere, and PTB emits no deprecation warning per 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")
