"""The PostgreSQL store: the repositories ported so far, on one asyncpg pool.

Implements Lifecycle, Accounts, PlacesAndBrowsing, Needs, Pledges, Payments, Credits,
ConversationState, Verification, HouseholdsAndVouchers, Support and Outbox
(bot/storage/protocols.py), plus the pledge reads the pledge domain needs. The other
repositories are still SQLite-only; until they are ported this store is not a drop-in
`Store`.
"""

from __future__ import annotations

from bot.storage.postgres.accounts import PgAccountsRepository
from bot.storage.postgres.conversations import PgConversationsRepository
from bot.storage.postgres.credits import PgCreditsRepository
from bot.storage.postgres.households import PgHouseholdsRepository
from bot.storage.postgres.outbox import PgOutboxRepository
from bot.storage.postgres.payments import PgPaymentsRepository
from bot.storage.postgres.places import PgPlacesRepository
from bot.storage.postgres.pledges import PgPledgesRepository
from bot.storage.postgres.shared import PgPledgeReads
from bot.storage.postgres.support import PgSupportRepository
from bot.storage.postgres.verification import PgVerificationRepository


class PgStore(
    PgAccountsRepository,
    PgConversationsRepository,
    PgPlacesRepository,
    PgPledgesRepository,
    PgPaymentsRepository,
    PgCreditsRepository,
    PgPledgeReads,
    PgHouseholdsRepository,
    PgVerificationRepository,
    PgOutboxRepository,
    PgSupportRepository,
):
    """Hamdeli's persistent state on PostgreSQL, behind the same methods as `Store`."""
