"""Plain records that the store returns and the domain and views read.

Frozen dataclasses, no Telegram types and no SQL, so every layer can share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Persona(StrEnum):
    """Why someone uses the bot; chosen on /start and changeable at any time."""

    DONOR = "donor"
    BENEFICIARY = "beneficiary"


class StaffRole(StrEnum):
    """Kept apart from the persona: a staff member may also be a donor."""

    NONE = "none"
    STAFF = "staff"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Account:
    """One person on one platform, as the bot knows them."""

    platform: str
    user_id: int
    chat_id: int
    language: str
    persona: Persona | None = None
    staff_role: StaffRole = StaffRole.NONE
    home_city_id: int | None = None
    first_seen: int = 0
    last_seen: int = 0
    blocked: bool = False
    announcements_opt_out: bool = False


@dataclass(frozen=True, slots=True)
class City:
    id: int
    province_id: int
    name_fa: str
    name_en: str
    is_capital: bool

    def name(self, language: str) -> str:
        return self.name_fa if language == "fa" else self.name_en


@dataclass(frozen=True, slots=True)
class Province:
    id: int
    name_fa: str
    name_en: str
    cities: tuple[City, ...] = field(default=())

    def name(self, language: str) -> str:
        return self.name_fa if language == "fa" else self.name_en
