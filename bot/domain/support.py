"""Support tickets: a person's message to the staff chat, and a staff member's answer back.

The answer is not sent by the handler: it is queued in the outbox in one unit of work with
its audit row, so a crash or a refused audit insert never leaves an answer sent without its
audit row, nor an audited answer that never goes out (the outbox sends it at most once).
Both are keyed by the reply itself (the outbox row's dedupe key): a redelivered update
finds the answer already queued and writes neither again, so one reply is one answer
sent and one audit row.
"""

from __future__ import annotations

from bot.domain import staff
from bot.models import Account, StaffRole
from bot.storage.protocols import Storage
from bot.storage.records import Notice

SUPPORT_REPLY_NOTICE = "support-reply"


async def open_ticket(store: Storage, person: Account, now: int) -> int:
    """A fresh ticket number for the person's message (posted to the staff chat next)."""
    return await store.open_ticket(person.platform, person.user_id, now)


async def attach_ticket(store: Storage, ticket: int, staff_message_id: int) -> None:
    """The staff chat's message that carries the ticket: replies to it find the person."""
    await store.attach_ticket_message(ticket, staff_message_id)


async def answer_ticket(
    store: Storage,
    replier: Account | None,
    answered_message_id: int,
    reply_message_id: int,
    text: str,
    now: int,
) -> int | None:
    """Queue a staff member's answer to the person behind the ticket whose staff-chat
    message (`answered_message_id`) it replies to, with its audit row, in one unit of
    work. The dedupe key is the reply's own message id: a redelivered update queues it
    once, and audits it once (only the unit that queued it writes the audit row). None
    (nothing queued): the replier is not staff (the role is read now) or the message
    carries no ticket."""
    if replier is None or replier.staff_role is StaffRole.NONE:
        return None
    found = await store.ticket_for_staff_message(replier.platform, answered_message_id)
    if found is None:
        return None
    ticket, person = found
    answer = Notice(
        person.platform, person.user_id, SUPPORT_REPLY_NOTICE, {"ticket": ticket, "text": text},
        f"support-reply:{replier.platform}:{reply_message_id}",
    )  # fmt: skip
    async with store.unit_of_work():  # the queued answer and its audit row: both or neither
        if await store.queue_notice(answer, now):  # False: this reply came before
            await staff.audit(store, replier, "support_reply", "ticket", str(ticket), now)
    return ticket
