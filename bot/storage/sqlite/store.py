"""The SQLite store: every repository on one aiosqlite connection."""

from __future__ import annotations

from bot.storage.sqlite.accounts import AccountsRepository
from bot.storage.sqlite.broadcasts import BroadcastsRepository
from bot.storage.sqlite.conversations import ConversationsRepository
from bot.storage.sqlite.credits import CreditsRepository
from bot.storage.sqlite.households import HouseholdsRepository
from bot.storage.sqlite.metrics import MetricsRepository
from bot.storage.sqlite.monthly import MonthlyRepository
from bot.storage.sqlite.needs import NeedsRepository
from bot.storage.sqlite.outbox import OutboxRepository
from bot.storage.sqlite.payments import PaymentsRepository
from bot.storage.sqlite.places import PlacesRepository
from bot.storage.sqlite.pledges import PledgesRepository
from bot.storage.sqlite.staff import StaffRepository
from bot.storage.sqlite.support import SupportRepository
from bot.storage.sqlite.verification import VerificationRepository
from bot.storage.sqlite.workers import WorkersRepository


class Store(
    AccountsRepository,
    ConversationsRepository,
    PlacesRepository,
    NeedsRepository,
    PledgesRepository,
    PaymentsRepository,
    CreditsRepository,
    HouseholdsRepository,
    VerificationRepository,
    OutboxRepository,
    BroadcastsRepository,
    StaffRepository,
    SupportRepository,
    MonthlyRepository,
    MetricsRepository,
    WorkersRepository,
):
    """Hamdeli's persistent state, behind intention-named async methods."""
