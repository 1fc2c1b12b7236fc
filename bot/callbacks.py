"""Callback data: short, language-independent, prefixed strings, parsed in one place.

Buttons must keep working after a restart and must not trust what a client sends back, so
callback data carries plain identifiers (`menu:donor`, `d:c:12:all:0`), never pickled
objects (PTB's arbitrary callback data lives only in memory). Anything `parse` does not
recognise is a stale or forged button: the gatekeeper answers "this button has expired"
and shows the menu, changing nothing. Handlers still check that what a button names exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import available_languages
from bot.models import Audience, NeedCategory, NeedStatus, Persona

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data

MENU_HOME = "menu:home"
MENU = "menu:mine"  # the person's own menu, whatever their role (what /menu shows)
MENU_STAFF = "menu:staff"
HELP = "help"
LANGUAGE_PICKER = "lang:pick"
PRIVACY = "privacy"
STATUS = "b:status"
HISTORY = "b:history"
FORGET_ASK = "b:forget"
FORGET_DO = "b:forget!"
CHECK_SMS = "b:sms"
REMINDERS = "b:remind"
STAFF_FIND = "s:find"
STAFF_AUDIT = "s:audit"
STAFF_QUEUE = "s:queue"
STAFF_STATS = "s:stats"
SUPPORT = "support"
STAFF_EXPORT = "s:export"
STAFF_INVITES = "s:invites"
STAFF_COMMANDS = "s:cmds"
STAFF_NEXT = "s:next"  # "next in queue" after a confirm or a reject
BROADCAST_NEW = "s:bnew"
BROADCAST_AUDIENCE = "s:baud"
ANNOUNCEMENTS_OFF = "ann:off"
SETTINGS = "set"
HOME_CITY = "set:home"
SAFETY_CONTINUE = "safe:go"  # after the safety answer: carry on where the person was

_CATEGORY = "|".join(["all", *(c.value for c in NeedCategory)])
_CODE = r"[2-9A-HJ-NP-Z]{6}"
_AUDIENCE = "|".join(a.value for a in Audience)
_NEED_STATUS = "|".join(["all", *(s.value for s in NeedStatus)])
_NEED_PLACE = r"0|p\d{1,6}|c\d{1,6}"  # anywhere, a province, a city
_NEED_FIELD = "place|category|goal|description|description_en|deadline|national_code|urgent"

# kind -> pattern; groups are the button's arguments. The donor's buttons start with "d:".
PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "simple": (
            rf"^({MENU_HOME}|{MENU}|{MENU_STAFF}|{HELP}|{LANGUAGE_PICKER}|{PRIVACY}"
            rf"|{STATUS}|{HISTORY}|{FORGET_ASK}|{FORGET_DO}|{CHECK_SMS}|{REMINDERS}|{STAFF_FIND}|{STAFF_AUDIT}|{STAFF_QUEUE}|{STAFF_STATS}|{SUPPORT}|{STAFF_EXPORT}|{STAFF_INVITES}|{STAFF_COMMANDS}|{STAFF_NEXT}"
            rf"|{BROADCAST_NEW}|{BROADCAST_AUDIENCE}|{ANNOUNCEMENTS_OFF}|{SETTINGS}|{HOME_CITY})$"
        ),
        "role": r"^menu:(donor|beneficiary)$",
        "language": r"^lang:([a-z]{2,3})$",
        "provinces": r"^d:p$",
        "cities": r"^d:pv:(\d{1,6})$",
        "city_page": rf"^d:c:(\d{{1,6}}):({_CATEGORY}):(\d{{1,4}})$",
        "other_page": rf"^d:o:(\d{{1,6}}):({_CATEGORY}):(\d{{1,4}})$",
        "city_filter": r"^d:f:c:(\d{1,6})$",
        "other_filter": r"^d:f:o:(\d{1,6})$",
        "need": rf"^d:n:({_CODE})$",
        "help_need": rf"^d:h:({_CODE})$",
        "amount": rf"^d:a:({_CODE}):(\d{{1,16}})$",
        "confirm": rf"^d:y:({_CODE}):(\d{{1,16}}):([A-Za-z0-9_-]{{8,16}})$",
        "my_pledges": r"^d:m:(\d{1,4})$",
        "cancel_ask": rf"^d:x:(P-{_CODE})$",
        "cancel_do": rf"^d:X:(P-{_CODE})$",
        "paid": rf"^d:r:(P-{_CODE})$",
        "pay": rf"^d:pay:(P-{_CODE})$",
        "receipt": rf"^d:rc:(P-{_CODE})$",
        "receipt_for": rf"^d:rf:(P-{_CODE})$",
        "donation_receipt": rf"^d:dr:(P-{_CODE})$",
        "staff_pay": rf"^s:pay:(P-{_CODE})$",
        "staff_open": rf"^s:open:(P-{_CODE})$",
        "staff_reject": rf"^s:rej:(P-{_CODE})$",
        "staff_pay_unreferenced": rf"^s:pnr:(P-{_CODE})$",
        "staff_next": r"^s:next$",
        "staff_queue": r"^s:q:(\d{1,4}):(\d{1,12})$",
        "broadcast_audience": rf"^s:ba:({_AUDIENCE})$",
        "broadcast_place": r"^s:bp:(province|city|cities):(\d{1,6})$",
        "broadcast_send": r"^s:bY:([A-Za-z0-9_-]{8,16})$",
        "broadcast_control": r"^s:bk:(pause|resume|cancel):(\d{1,12})$",
        # Irreversible staff actions (/delivered, /close, cancelling a run) ask once.
        "staff_confirm": r"^s:ok:([A-Za-z0-9_-]{8,16})$",
        "staff_dismiss": r"^s:no:([A-Za-z0-9_-]{8,16})$",
        "staff_revoke_invite": r"^s:iv:(S-[2-9A-HJ-NP-Z]{8})$",
        "announcements": r"^set:ann:(on|off)$",
        "home_province": r"^set:hp:(\d{1,6})$",
        "home_city": r"^set:hc:(\d{1,6})$",
        "safety_continue": rf"^{SAFETY_CONTINUE}$",
        # Staff adding and changing needs (bot.handlers.staff_needs): all start with "s:n".
        "sn_new": r"^s:n:new$",
        "sn_province_page": r"^s:n:pp:(\d{1,3})$",
        "sn_province": r"^s:n:pv:(\d{1,6})$",
        "sn_city_page": r"^s:n:cp:(\d{1,3})$",
        "sn_city": r"^s:n:ct:(\d{1,6})$",
        "sn_category": rf"^s:n:cat:({'|'.join(c.value for c in NeedCategory)})$",
        "sn_kind": r"^s:n:k:(money|items)$",
        "sn_none": r"^s:n:none$",
        "sn_urgent": r"^s:n:u:([01])$",
        "sn_field": rf"^s:n:f:({_NEED_FIELD})$",
        "sn_publish": rf"^s:n:pub:({_CODE})$",
        "sn_draft": rf"^s:n:drf:({_CODE})$",
        "sn_save": rf"^s:n:sv:({_CODE})$",
        "sn_cancel": r"^s:n:x$",
        "sn_edit": rf"^s:n:e:({_CODE}):({_NEED_FIELD})$",
        "sn_publish_draft": rf"^s:n:P:({_CODE})$",
        "sn_view": rf"^s:n:v:({_CODE})$",
        # Staff list needs (/needs): whose (m: mine, a: all), status, place, page.
        "staff_needs": rf"^s:nl:([ma]):({_NEED_STATUS}):({_NEED_PLACE}):(\d{{1,4}})$",
        "staff_needs_status": rf"^s:ns:([ma]):({_NEED_STATUS}):({_NEED_PLACE})$",
        "staff_needs_place": rf"^s:np:([ma]):({_NEED_STATUS}):(\d{{1,6}})$",
        # A donor's credit (bot.handlers.credits): choose again, move to a need, to the office.
        "credit_show": r"^d:cs:(\d{1,12})$",
        "credit_move": rf"^d:cm:(\d{{1,12}}):({_CODE})$",
        "credit_office": r"^d:co:(\d{1,12})$",
    }.items()
}

# Monthly kindness (bot.handlers.monthly): all start with "mk:". A picker button names whose
# gift it shapes: "n<rials>" a new one of that amount, "e<id>v<version>" a standing one.
_MK_WHO = r"n\d{1,12}|e\d{1,9}v\d{1,9}"
_MK_PLACE = r"[cp]\d{1,6}"  # a city, or a whole province
_MK_ACTION = "skip|pause|resume|stop|amount|place"
PATTERNS.update(
    {
        name: re.compile(pattern)
        for name, pattern in {
            "mk_home": r"^mk:home$",
            "mk_new": r"^mk:new$",
            "mk_amount": r"^mk:a:(\d{1,12})$",
            "mk_provinces": rf"^mk:pp:({_MK_WHO})$",
            "mk_province": rf"^mk:pv:({_MK_WHO}):(\d{{1,6}})$",
            "mk_place": rf"^mk:pl:({_MK_WHO}):({_MK_PLACE})$",
            "mk_category": rf"^mk:ct:({_MK_WHO}):({_MK_PLACE}):({_CATEGORY})$",
            "mk_day": rf"^mk:dy:(\d{{1,12}}):({_MK_PLACE}):({_CATEGORY}):(\d{{1,2}})$",
            "mk_start": (
                rf"^mk:go:(\d{{1,12}}):({_MK_PLACE}):({_CATEGORY}):(\d{{1,2}}):"
                r"([A-Za-z0-9_-]{8,16})$"
            ),
            "mk_ask": rf"^mk:q:({_MK_ACTION}):(\d{{1,9}}):(\d{{1,9}})$",
            "mk_do": r"^mk:y:(skip|pause|resume|stop):(\d{1,9}):(\d{1,9})$",
            "mk_new_amount": r"^mk:na:(\d{1,9}):(\d{1,9}):(\d{1,12})$",
            "mk_set_amount": r"^mk:NA:(\d{1,9}):(\d{1,9}):(\d{1,12})$",
            "mk_set_place": rf"^mk:NP:(\d{{1,9}}):(\d{{1,9}}):({_MK_PLACE}):({_CATEGORY})$",
        }.items()
    }
)


@dataclass(frozen=True)
class Parsed:
    """A recognised button: its kind and its arguments."""

    kind: str
    args: tuple[str, ...] = ()

    @property
    def arg(self) -> str:
        return self.args[0] if self.args else ""


def parse(data: str | None) -> Parsed | None:
    """Recognise callback data this version of the bot produces, or return None."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    for kind, pattern in PATTERNS.items():
        if match := pattern.match(data):
            if kind == "language" and match.group(1) not in available_languages():
                return None
            if kind == "simple":  # a fixed button is its own kind: "help", "menu:home"…
                return Parsed(match.group(1))
            return Parsed(kind, match.groups())
    return None


def matches(kind: str) -> re.Pattern[str]:
    """The pattern for PTB's CallbackQueryHandler(pattern=...)."""
    return PATTERNS[kind]


# Builders: the only place that writes callback data, so it always parses back.
def menu_for(persona: Persona) -> str:
    return f"menu:{persona.value}"


def language(code: str) -> str:
    return f"lang:{code}"


PROVINCES = "d:p"


def cities(province_id: int) -> str:
    return f"d:pv:{province_id}"


def city_page(city_id: int, category: str = "all", page: int = 0) -> str:
    return f"d:c:{city_id}:{category}:{page}"


def other_page(province_id: int, category: str = "all", page: int = 0) -> str:
    return f"d:o:{province_id}:{category}:{page}"


def city_filter(city_id: int) -> str:
    return f"d:f:c:{city_id}"


def other_filter(province_id: int) -> str:
    return f"d:f:o:{province_id}"


def need(code: str) -> str:
    return f"d:n:{code}"


def help_need(code: str) -> str:
    return f"d:h:{code}"


def amount(code: str, value: int) -> str:
    return f"d:a:{code}:{value}"


def confirm(code: str, value: int, token: str) -> str:
    return f"d:y:{code}:{value}:{token}"


def my_pledges(page: int = 0) -> str:
    return f"d:m:{page}"


def cancel_ask(reference: str) -> str:
    return f"d:x:{reference}"


def cancel_do(reference: str) -> str:
    return f"d:X:{reference}"


def paid(reference: str) -> str:
    return f"d:r:{reference}"


def pay(reference: str) -> str:
    """ "💳 Pay now": send an invoice for this pledge (bot.handlers.payments)."""
    return f"d:pay:{reference}"


def receipt(reference: str) -> str:
    """ "📎 Send receipt" on one of the donor's pledges."""
    return f"d:rc:{reference}"


def receipt_for(reference: str) -> str:
    """Which pledge a receipt sent outside any flow is for (the donor has several)."""
    return f"d:rf:{reference}"


def staff_pay_unreferenced(reference: str) -> str:
    """Confirm without a bank tracking number (a written reason follows)."""
    return f"s:pnr:{reference}"


def donation_receipt(reference: str) -> str:
    """ "🧾 Receipt (PDF)": the receipt of this paid pledge, made from the store on each press
    (bot.handlers.donation_receipts)."""
    return f"d:dr:{reference}"


def staff_pay(reference: str) -> str:
    return f"s:pay:{reference}"


def staff_reject(reference: str) -> str:
    return f"s:rej:{reference}"


def staff_queue(page: int, need_id: int = 0) -> str:
    """A page of the pledges to check; need_id 0 means every need."""
    return f"s:q:{page}:{need_id}"


def staff_open(reference: str) -> str:
    return f"s:open:{reference}"


# Staff adding and changing needs: "s:n…" (bot.handlers.staff_needs).
STAFF_NEED_NEW = "s:n:new"
STAFF_NEED_NONE = "s:n:none"
STAFF_NEED_CANCEL = "s:n:x"


def sn_province_page(page: int) -> str:
    return f"s:n:pp:{page}"


def sn_province(province_id: int) -> str:
    return f"s:n:pv:{province_id}"


def sn_city_page(page: int) -> str:
    return f"s:n:cp:{page}"


def sn_city(city_id: int) -> str:
    return f"s:n:ct:{city_id}"


def sn_category(category: str) -> str:
    return f"s:n:cat:{category}"


def sn_kind(kind: str) -> str:
    return f"s:n:k:{kind}"


def sn_urgent(urgent: bool) -> str:
    return f"s:n:u:{int(urgent)}"


def sn_field(field: str) -> str:
    """Change one value from the preview (the flow goes on with the same collected values)."""
    return f"s:n:f:{field}"


def sn_publish(code: str) -> str:
    """The code is the preview's: a redelivered press creates nothing twice."""
    return f"s:n:pub:{code}"


def sn_draft(code: str) -> str:
    return f"s:n:drf:{code}"


def sn_save(code: str) -> str:
    return f"s:n:sv:{code}"


def sn_edit(code: str, field: str) -> str:
    return f"s:n:e:{code}:{field}"


def sn_publish_draft(code: str) -> str:
    return f"s:n:P:{code}"


def sn_view(code: str) -> str:
    """A need's staff view (as /editneed CODE), from the /needs list."""
    return f"s:n:v:{code}"


def staff_needs(mine: bool, status: str = "all", place: str = "0", page: int = 0) -> str:
    """A page of /needs: `status` "all" or a need status, `place` "0", "p<id>" or "c<id>"."""
    return f"s:nl:{'m' if mine else 'a'}:{status}:{place}:{page}"


def staff_needs_status(mine: bool, status: str, place: str) -> str:
    """The status picker of /needs (it keeps the other filters)."""
    return f"s:ns:{'m' if mine else 'a'}:{status}:{place}"


def staff_needs_place(mine: bool, status: str, province_id: int = 0) -> str:
    """The place picker of /needs: provinces (0), or the cities of one province."""
    return f"s:np:{'m' if mine else 'a'}:{status}:{province_id}"


def broadcast_audience(audience: Audience) -> str:
    return f"s:ba:{audience.value}"


def broadcast_place(kind: str, place_id: int) -> str:
    """kind: "province" or "city" (the audience's place), or "cities" (pick a city there)."""
    return f"s:bp:{kind}:{place_id}"


def broadcast_send(token: str) -> str:
    return f"s:bY:{token}"


def broadcast_control(action: str, broadcast_id: int) -> str:
    return f"s:bk:{action}:{broadcast_id}"


def staff_confirm(token: str) -> str:
    """The Yes of an irreversible staff action: the one-time token names what was asked."""
    return f"s:ok:{token}"


def staff_dismiss(token: str) -> str:
    return f"s:no:{token}"


def staff_revoke_invite(code: str) -> str:
    return f"s:iv:{code}"


def announcements(state: str) -> str:
    return f"set:ann:{state}"


def home_province(province_id: int) -> str:
    return f"set:hp:{province_id}"


def home_city(city_id: int) -> str:
    return f"set:hc:{city_id}"


# -- monthly kindness: "mk:…" (bot.handlers.monthly) ----------------------------------------
MONTHLY = "mk:home"
MONTHLY_NEW = "mk:new"


def mk_who_new(amount: int) -> str:
    return f"n{amount}"


def mk_who_gift(gift_id: int, version: int) -> str:
    return f"e{gift_id}v{version}"


def mk_read_who(who: str) -> tuple[int, int] | int:
    """A picker's owner: the new gift's amount (an int), or a standing gift's (id, version)."""
    if who.startswith("n"):
        return int(who[1:])
    gift_id, version = who[1:].split("v")
    return int(gift_id), int(version)


def mk_place(province_id: int, city_id: int | None) -> str:
    return f"c{city_id}" if city_id is not None else f"p{province_id}"


def mk_read_place(place: str) -> tuple[str, int]:
    """("c", city id) or ("p", province id)."""
    return place[0], int(place[1:])


def mk_amount(amount: int) -> str:
    return f"mk:a:{amount}"


def mk_provinces(who: str) -> str:
    return f"mk:pp:{who}"


def mk_province(who: str, province_id: int) -> str:
    return f"mk:pv:{who}:{province_id}"


def mk_chosen_place(who: str, place: str) -> str:
    return f"mk:pl:{who}:{place}"


def mk_category(who: str, place: str, category: str) -> str:
    return f"mk:ct:{who}:{place}:{category}"


def mk_day(amount: int, place: str, category: str, day: int) -> str:
    return f"mk:dy:{amount}:{place}:{category}:{day}"


def mk_start(amount: int, place: str, category: str, day: int, token: str) -> str:
    return f"mk:go:{amount}:{place}:{category}:{day}:{token}"


def mk_ask(action: str, gift_id: int, version: int) -> str:
    return f"mk:q:{action}:{gift_id}:{version}"


def mk_do(action: str, gift_id: int, version: int) -> str:
    return f"mk:y:{action}:{gift_id}:{version}"


def mk_new_amount(gift_id: int, version: int, amount: int) -> str:
    return f"mk:na:{gift_id}:{version}:{amount}"


def mk_set_amount(gift_id: int, version: int, amount: int) -> str:
    return f"mk:NA:{gift_id}:{version}:{amount}"


def mk_set_place(gift_id: int, version: int, place: str, category: str) -> str:
    return f"mk:NP:{gift_id}:{version}:{place}:{category}"


def credit_show(credit_id: int) -> str:
    return f"d:cs:{credit_id}"


def credit_move(credit_id: int, code: str) -> str:
    return f"d:cm:{credit_id}:{code}"


def credit_office(credit_id: int) -> str:
    return f"d:co:{credit_id}"
