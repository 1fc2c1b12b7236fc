"""The PostgreSQL store: the repositories ported so far, on one asyncpg pool.

Implements Lifecycle, Accounts, PlacesAndBrowsing, Needs and Pledges (bot/storage/
protocols.py), plus the pledge reads the pledge domain needs. The other repositories are
still SQLite-only; until they are ported this store is not a drop-in `Store`.
"""

from __future__ import annotations

from bot.storage.postgres.accounts import PgAccountsRepository
from bot.storage.postgres.places import PgPlacesRepository
from bot.storage.postgres.pledges import PgPledgesRepository
from bot.storage.postgres.shared import PgPledgeReads


class PgStore(PgAccountsRepository, PgPlacesRepository, PgPledgesRepository, PgPledgeReads):
    """Hamdeli's persistent state on PostgreSQL, behind the same methods as `Store`."""
