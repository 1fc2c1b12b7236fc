## Staff console additions of issue #9: /needs, invites, confirmations of irreversible actions.
## Message ids and placeholders must match locales/fa/staff_console.ftl; tests/test_locales.py checks it.

staff-user-id-invalid = That is not a user id: a user id is a positive whole number, like /addstaff 123456. To add someone without their id, send /invite and give them the code.
broadcast-audience-admin-only = Only an administrator can announce to everyone. Choose donors, beneficiaries, staff, a province or a city instead, or start again with /broadcast.

## Irreversible actions ask once (/delivered, /close, cancelling an announcement)
staff-delivered-usage = Write the need code after the command, like /delivered H7K2QD.
staff-deliver-already = Need { $code } is already marked delivered and its donors were told; there is nothing more to do. See /audit.
staff-deliver-closed = Need { $code } is closed, so it cannot be marked delivered. Its donors who had paid were told staff will settle their payments: see /queue { $code }.
staff-deliver-unpaid = No payment for need { $code } is confirmed yet, so there is nothing to deliver. Confirm its payments first in /queue { $code }, or close it with /close { $code } REASON.
staff-deliver-ask = 📦 Mark need { $code } as delivered?
staff-close-ask = 🔒 Close need { $code }? Reason: { $reason }
staff-ending-paid-delivered = { $count ->
        [one] • The donor of 1 paid pledge is told the help reached the family.
       *[other] • The donors of { $count } paid pledges are told the help reached the family.
    }
staff-ending-paid-kept = { $count ->
        [one] • 1 pledge was already paid or reported: paid money becomes its donor's credit to place on a similar need or give to the office; a reported payment stays for you to settle. Its donor is told the money is safe.
       *[other] • { $count } pledges were already paid or reported: paid money becomes their donors' credit to place on a similar need or give to the office; reported payments stay for you to settle. Their donors are told the money is safe.
    }
staff-ending-unpaid-cancelled = { $count ->
        [one] • 1 pledge not paid yet is cancelled; its donor is told not to pay.
       *[other] • { $count } pledges not paid yet are cancelled; their donors are told not to pay.
    }
staff-ending-reported-kept = { $count ->
        [one] • 1 reported payment is not confirmed yet; it stays in /queue { $code } for you to confirm or reject.
       *[other] • { $count } reported payments are not confirmed yet; they stay in /queue { $code } for you to confirm or reject.
    }
staff-ending-household = • The household is told too.
staff-ending-no-household = • No verified household is linked to this need, so no household is told.
staff-ending-irreversible = This cannot be undone.
staff-deliver-yes-button = ✅ Yes, it was delivered
staff-close-yes-button = 🔒 Yes, close it
staff-confirm-no-button = ↩️ No, change nothing
staff-delivered-unpaid-cancelled = { $count ->
        [one] 1 unpaid pledge was cancelled; its donor is told not to pay.
       *[other] { $count } unpaid pledges were cancelled; their donors are told not to pay.
    }
staff-confirm-dismissed = Nothing was changed.
staff-confirm-used = This was already done; it is not done twice. Send /menu for the staff console.
staff-confirm-gone = This confirmation is no longer valid. Send the command again (/delivered CODE or /close CODE REASON) to see what it would do now.
broadcast-cancel-ask = ⏹ Cancel announcement #{ $id }? { $sent } people already have it; the { $remaining } who have not got it yet never will. This cannot be undone.
broadcast-cancel-yes-button = ⏹ Yes, cancel it
pledge-need-delivered-unpaid-notice = The help for need { $code } has already reached the family, so your pledge { $reference } ({ $amount }) is cancelled: please do not pay it. Thank you for your kindness; other families still need help 🌱

## Invite codes: they expire, an admin can revoke them, and they die with their admin
staff-invite-created = One-time invite code: { $code } — the invited person sends /join { $code } to the bot by { $date }. Open codes: /invites
staff-invite-invalid = This invite code cannot be used: it may be mistyped, already used, expired or revoked. Ask an administrator for a new one.
staff-invites-title = 🎟 Open invite codes (each works once, until its date):
staff-invites-empty = 🎟 No invite code is open. Create one with /invite.
staff-invites-line = • { $code } · made by user { $creator } · until { $date }
staff-invite-revoke-button = ✖️ Revoke { $code }
staff-invite-revoked = Invite { $code } is revoked; nobody can join with it.
staff-invite-not-open = { $code } is not an open invite code (it may be used, expired or revoked already). See /invites.
staff-revoke-usage = Write the invite code after the command, like /revokeinvite S-ABCD2345. Open codes: /invites
audit-action-revoke_invite = revoked an invite code
audit-action-void_invite = invite code voided (its admin was removed)
staff-invites-button = 🎟 Invite codes

## /needs: the office's needs, filtered by whose, status and place
staff-needs-button = 🗂 Needs and drafts
staff-needs-title = 🗂 { $whose } · { $status } · { $place }: { $total ->
        [0] no needs
        [one] 1 need
       *[other] { $total } needs
    } (page { $page } of { $pages }; drafts first, then the latest changed). Press one to see or change it.
staff-needs-whose-all = All needs of the office
staff-needs-whose-mine = Needs you added
staff-needs-none = Nothing matches; change the filters below.
staff-needs-line = { $code } · { $status } · { $city } · { $goal }
staff-needs-show-mine-button = 👤 Only the needs I added
staff-needs-show-all-button = 🏢 All needs of the office
staff-needs-status-button = 🔖 Status
staff-needs-place-button = 📍 Place
staff-needs-any-status = any status
staff-needs-anywhere = everywhere
staff-needs-province = { $province } province
staff-needs-whole-province = All of { $province } province
staff-needs-ask-status = Show needs with which status?
staff-needs-ask-province = Show needs where?
staff-needs-ask-city = Which city of { $province }?

## The console's list of staff commands
staff-commands-button = ❓ Staff commands
staff-commands =
    🛠 Staff commands
    • /needs — the office's needs and drafts, by status and place; each opens its edit screen
    • /newneed — add a need · /editneed CODE — change a need or publish a draft
    • /pledge — find a pledge by its pledge code · /queue [CODE] — payments to check
    • /delivered CODE — the help arrived (asks once) · /close CODE REASON — take a need down (asks once)
    • /household NATIONAL_CODE — a household's record (audited)
    • /office — donors' credit and the office's share · /place CODE — place the office's share on a need (asks once)
    • /broadcast — an announcement · /stats — statistics · /audit — the audit log
    Administrators: /addstaff ID, /removestaff ID, /invite, /invites, /revokeinvite CODE, /undo PLEDGE_CODE
staff-need-not-found = No need has the code { $code }. Check the code, or find the need in /needs.
