"""The PostgreSQL store: every repository, on one asyncpg pool.

Implements the whole `Storage` protocol (bot/storage/protocols.py) with the same
behaviour as the SQLite `Store`: Lifecycle, Accounts, PlacesAndBrowsing, Needs, Pledges,
Payments, Credits, ConversationState, Verification, HouseholdsAndVouchers, Support,
Outbox, Broadcasts, StaffAuditAndInvites, MonthlyGifts and MetricsReads.
"""

from __future__ import annotations

from bot.storage.postgres.accounts import PgAccountsRepository
from bot.storage.postgres.broadcasts import PgBroadcastsRepository
from bot.storage.postgres.conversations import PgConversationsRepository
from bot.storage.postgres.credits import PgCreditsRepository
from bot.storage.postgres.households import PgHouseholdsRepository
from bot.storage.postgres.metrics import PgMetricsRepository
from bot.storage.postgres.monthly import PgMonthlyRepository
from bot.storage.postgres.outbox import PgOutboxRepository
from bot.storage.postgres.payments import PgPaymentsRepository
from bot.storage.postgres.places import PgPlacesRepository
from bot.storage.postgres.pledges import PgPledgesRepository
from bot.storage.postgres.staff import PgStaffRepository
from bot.storage.postgres.support import PgSupportRepository
from bot.storage.postgres.verification import PgVerificationRepository
from bot.storage.postgres.workers import PgWorkersRepository


class PgStore(
    PgAccountsRepository,
    PgConversationsRepository,
    PgPlacesRepository,
    PgPledgesRepository,
    PgPaymentsRepository,
    PgCreditsRepository,
    PgHouseholdsRepository,
    PgVerificationRepository,
    PgOutboxRepository,
    PgSupportRepository,
    PgBroadcastsRepository,
    PgStaffRepository,
    PgMonthlyRepository,
    PgMetricsRepository,
    PgWorkersRepository,
):
    """Hamdeli's persistent state on PostgreSQL, behind the same methods as `Store`."""
