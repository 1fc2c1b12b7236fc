"""The one row mapper (`bot.storage.records.from_row`): every record the store builds from
a row comes through it, so the statements' column lists must name the record's fields in
order, and each column's value must become its field's type on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.models import (
    Account,
    Broadcast,
    Checkout,
    CheckoutState,
    Credit,
    MonthlyGift,
    Need,
    NeedCategory,
    NeedKind,
    NeedStatus,
    Persona,
    Pledge,
    StaffRole,
)
from bot.storage.money import CREDIT_COLUMNS
from bot.storage.records import (
    AUDIT_COLUMNS,
    AuditEntry,
    Confirmation,
    PledgeExport,
    column_names,
    from_row,
)
from bot.storage.sqlite import common


@pytest.mark.parametrize(
    ("record", "columns"),
    [
        (Account, common._ACCOUNT_COLUMNS),
        (Need, common._NEED_COLUMNS),
        (Pledge, common._PLEDGE_COLUMNS),
        (Broadcast, common._BROADCAST_COLUMNS),
        (MonthlyGift, common._MONTHLY_COLUMNS),
        (Checkout, common._CHECKOUT_COLUMNS),
        (Credit, CREDIT_COLUMNS),
        (Confirmation, common._CONFIRMATION_COLUMNS),
        (AuditEntry, AUDIT_COLUMNS),
    ],
)
def test_each_column_list_names_its_records_fields_in_order(record, columns) -> None:
    assert column_names(columns) == tuple(f.name for f in dataclasses.fields(record))


def test_values_become_their_fields_types() -> None:
    row = ("telegram", 7, 7, "fa", "donor", "admin", None, 1, 2, 1, 0)
    account = from_row(Account, row)
    assert account == Account(
        platform="telegram", user_id=7, chat_id=7, language="fa", persona=Persona.DONOR,
        staff_role=StaffRole.ADMIN, home_city_id=None, first_seen=1, last_seen=2,
        blocked=True, announcements_opt_out=False,
    )  # fmt: skip
    assert account.persona is Persona.DONOR
    assert account.blocked is True
    # an empty optional enum is None (a newcomer has no persona yet)
    assert from_row(Account, ("bale", 1, 1, "en", None, "none", 3, 0, 0, 0, 1)).persona is None
    need = from_row(Need, (
        1, "H7K2QD", 2, 3, "medical", "money", 100, 0, 0, "دارو", None, "open", None,
        "2026-01-31", 1, None,
    ))  # fmt: skip
    assert (need.category, need.kind, need.status) == (
        NeedCategory.MEDICAL, NeedKind.MONEY, NeedStatus.OPEN,
    )  # fmt: skip
    assert (need.deadline, need.urgent) == (dt.date(2026, 1, 31), True)
    assert from_row(Need, (*tuple(dataclasses.astuple(need))[:13], None, 0, None)).deadline is None
    # a date the driver already decoded stays as it is
    assert from_row(Need, dataclasses.astuple(need)).deadline == dt.date(2026, 1, 31)
    checkout = ("t-1", "bale", 5, "inv", 10, "IRR", 0, "awaiting", 0, None)
    assert from_row(Checkout, checkout).state is CheckoutState.AWAITING


def test_json_details_are_decoded_and_missing_trailing_fields_keep_defaults() -> None:
    asked = from_row(Confirmation, ("c", "bale", 1, "close", "N-1", '{"n": 2}', 5, None))
    assert asked.details == {"n": 2}
    assert from_row(Confirmation, ("c", "bale", 1, "close", "N-1", None, 5, None)).details == {}
    # the export without personal data selects nine columns: the household's stay None
    export = from_row(PledgeExport, ("P-1", "N-1", "money", None, 10, "paid", 1, 2, None))
    assert (export.national_code, export.full_name, export.mobile) == (None, None, None)


def test_column_names_read_aliases_and_table_prefixes() -> None:
    assert column_names("a, t.b, c AS d, e.f AS g") == ("a", "b", "d", "g")
