## Staff console.

staff-find-pledge-button = 🔎 Find a pledge by its pledge code
staff-audit-button = 🧾 Audit log
staff-ask-reference = Type the pledge code (like P-8F3K2Q). /cancel stops here.
staff-pledge-not-found = No pledge has the code { $reference }. Type it again or send /menu.
staff-pledge =
    Pledge { $reference }
    Need: { $code }
    Amount: { $amount }
    Status: { $status }
    Date: { $date }
staff-confirm-button = ✅ Confirm payment
staff-reject-button = ❌ Reject
staff-ask-bank-reference = Type the bank tracking number of the transfer for pledge { $reference }. /cancel stops here.
staff-ask-reason = Type why pledge { $reference } is rejected (the donor will read it). /cancel stops here.
staff-confirmed = Payment for pledge { $reference } is confirmed; the donor will be told.
staff-rejected = Pledge { $reference } is rejected; the donor will be told.
staff-audit-title = 🧾 Latest activity:
pledge-rejected-notice = The payment for pledge { $reference } ({ $amount }, need { $code }) was not confirmed: { $reason }. If you did transfer it, report it again (a photo of the receipt helps staff find it), or write to support.
admin-only = Only administrators can do this.
staff-usage-user-id = Write the user's numeric id after the command, like /addstaff 123456.
staff-user-unknown = User { $user_id } has not talked to the bot yet; ask them to send /start first, or create an invite code.
staff-user-is-admin = User { $user_id } is an administrator; administrators come from the ADMIN_IDS setting.
staff-added = User { $user_id } is now staff.
staff-removed = User { $user_id } is no longer staff.
staff-joined = Welcome! You are now staff; send /menu.
staff-queue-button = 📋 Pledges awaiting confirmation
staff-queue-title = Pledges awaiting confirmation: { $total } (page { $page } of { $pages }; reported ones and receipts first):
staff-queue-empty = No pledge is awaiting confirmation.
staff-queue-line = { $reference } · { $code } · { $amount } · { $status }
staff-not-confirmed = Pledge { $reference } is not confirmed.
staff-undone = The confirmation of pledge { $reference } was taken back; the donor will be told.
staff-household-not-found = No household has this national code.
staff-household =
    Household { $code }
    Head: { $name }
    Phone: { $mobile }
    Members: { $size } · Decile: { $decile } · Kalabarg tranches: { $vouchers }
pledge-unconfirmed-notice = The confirmation of the payment for pledge { $reference } ({ $amount }, need { $code }) was a mistake and has been taken back; staff will check again.
staff-delivered = Need { $code } is marked delivered; { $donors ->
        [one] 1 donor will be told.
       *[other] { $donors } donors will be told.
    }
staff-close-usage = Write the need code and a reason, like /close H7K2QD the family moved.
staff-closed = Need { $code } is closed and no longer shown to donors. { $donors ->
        [0] No unpaid pledge was waiting.
        [one] The donor of 1 unpaid pledge is told not to pay.
       *[other] The donors of { $donors } unpaid pledges are told not to pay.
    } { $paid ->
        [0] {""}
        [one] 1 pledge was already paid or reported: paid money becomes its donor's credit (they choose a similar need or the office), a reported payment stays for you to settle; its donor is told.
       *[other] { $paid } pledges were already paid or reported: paid money becomes their donors' credit (they choose a similar need or the office), reported payments stay for you to settle; their donors are told.
    }
staff-need-already-closed = Need { $code } is already closed or delivered.
staff-stats-button = 📊 Statistics
stats-title = 📊 Hamdeli statistics
stats-users = Users: { $donors ->
        [one] 1 donor
       *[other] { $donors } donors
    } · { $beneficiaries ->
        [one] 1 beneficiary
       *[other] { $beneficiaries } beneficiaries
    } · { $new } without a role · { $staff } staff · { $active } active in the last 30 days
stats-needs-title = Needs:
stats-pledges-title = Pledges:
stats-count-line = • { $label }: { $count }
stats-money = Paid so far: { $raised } of { $target }
stats-province-line = • { $province }: { $raised } of { $target }
stats-province-others = • { $count ->
        [one] one other province
       *[other] { $count } other provinces
    }: { $raised } of { $target }
need-status-draft = draft
need-status-open = open
need-status-fully_pledged = fully pledged
need-status-funded = funded
need-status-delivered = delivered
need-status-closed = closed
need-status-expired = expired
stats-chart-title = Paid against target (million toman)
stats-chart-paid = Paid
stats-chart-target = Target
staff-receipt = The receipt the donor sent.
staff-export-button = 📤 Export the last 30 days of pledges
staff-export-caption = { $count ->
        [one] 1 pledge
       *[other] { $count } pledges
    } in the last 30 days (no households' personal data).

## Audit log (/audit): one message per action the bot writes; bot/views/staff.py lists them
## in AUDIT_ACTIONS and tests/test_staff_audit.py checks that none is missing.
staff-audit-empty = Nothing has been recorded yet.
staff-audit-day = 📅 { $date }
staff-audit-entry = • { $time } · { $what } · { $actor }
staff-audit-subject = { $action }: { $subject }
staff-audit-details = { "   " }{ $details }
staff-audit-separator = { " · " }
staff-audit-list-separator = { ", " }
staff-audit-actor = user { $id }
staff-audit-actor-none = command line
staff-audit-subject-user = user { $id }
staff-audit-subject-number = no. { $id }
staff-audit-subject-household = national code …{ $last }
staff-audit-reason = reason: { $reason }
staff-audit-bank-reference = bank tracking number: { $reference }
staff-audit-audience = to: { $audience }
staff-audit-audience-province = people in one province
staff-audit-audience-city = people in one city
staff-audit-status = status: { $status }
staff-audit-fields = changed: { $fields }
staff-audit-field-place = place
staff-audit-field-category = category
staff-audit-field-goal = amount or item
staff-audit-field-description = description
staff-audit-field-description_en = English description
staff-audit-field-deadline = deadline
staff-audit-field-national_code = national code
staff-audit-field-urgent = urgency
staff-audit-field-other = other fields
staff-audit-donors = { $count ->
        [one] 1 donor told
       *[other] { $count } donors told
    }
staff-audit-cancelled = { $count ->
        [one] 1 unpaid pledge cancelled
       *[other] { $count } unpaid pledges cancelled
    }
staff-audit-rows = { $count ->
        [one] 1 row
       *[other] { $count } rows
    }
staff-audit-not-found = not found
audit-action-view_pledge = viewed pledge
audit-action-confirm_payment = confirmed payment
audit-action-reject_payment = rejected payment
audit-action-undo_confirmation = took back a confirmation
audit-action-add_staff = added to staff
audit-action-remove_staff = removed from staff
audit-action-create_invite = created an invite code
audit-action-join_staff = joined staff with an invite code
audit-action-admin_granted_by_settings = became admin (ADMIN_IDS setting)
audit-action-admin_revoked_by_settings = no longer admin (ADMIN_IDS setting)
audit-action-view_beneficiary = looked up a household
audit-action-add_need = added need
audit-action-view_need = viewed a need's national code
audit-action-edit_need = edited need
audit-action-publish_need = published need
audit-action-deliver_need = marked need delivered
audit-action-close_need = closed need
audit-action-broadcast = sent an announcement
audit-action-broadcast_pause = paused announcement
audit-action-broadcast_resume = resumed announcement
audit-action-broadcast_cancel = cancelled announcement
audit-action-export_pledges = exported pledges
audit-action-export_pledges_pii = exported pledges with personal data
audit-action-support_reply = answered a support message
audit-action-other = other action ({ $action })

## Confirming a payment: checked first, a real bank tracking number or a written reason, then next
audit-action-confirm_without_tracking = confirmed payment without a bank tracking number
audit-action-confirm_received = confirmed goods received
staff-received-button = ✅ Goods received
staff-received = The goods of pledge { $reference } are recorded as received; the donor will be told.
staff-no-tracking-button = Confirm without a bank tracking number (give a reason)
staff-tracking-invalid = A bank tracking number is digits only, 6 to 20 of them (like 123456789012). Type it again, or press "Confirm without a bank tracking number".
staff-tracking-used = This bank tracking number already confirmed pledge { $pledge }, and one transfer counts once. Check the number on the bank statement and type it again. If one transfer really paid both pledges, press "Confirm without a bank tracking number" and say so.
staff-ask-no-tracking-reason = Why is the payment of pledge { $reference } confirmed without a bank tracking number? Write the reason (for example "cash paid at the office, receipt no. 45"); it goes into the audit log. /cancel stops here.
staff-no-tracking-reason-short = Please write the reason in a short sentence (at least 5 letters); it goes into the audit log.
staff-next-button = ➡️ Next in queue
staff-pledge-donor-tracking = The donor wrote this bank tracking number: { $tracking }
staff-not-confirmable-paid = Pledge { $reference } is already confirmed; nothing more to do.
staff-not-confirmable-rejected = Pledge { $reference } was already rejected. If the donor reports the payment again, it comes back to the queue.
staff-not-confirmable-cancelled = Pledge { $reference } was cancelled by the donor; there is nothing to confirm.
staff-not-confirmable-expired = Pledge { $reference } expired and its share was released; there is nothing to confirm.
staff-not-confirmable-delivered = The help of pledge { $reference } already reached the family; nothing more to do.

## Alerts to the staff group (STAFF_CHAT_ID), through the outbox; never the donor's identity
staff-payment-reported-alert = 💰 A donor reports paying pledge { $reference } (need { $code }, { $amount }). Check it: /queue
staff-payment-reported-alert-items = 📦 A donor reports bringing the goods of pledge { $reference } (need { $code }, { $amount }). Check it: /queue
staff-receipt-alert = 📎 A receipt arrived for pledge { $reference } (need { $code }, { $amount }). Check it: /queue
staff-receipt-late-alert = 📎 A receipt arrived late for pledge { $reference } (need { $code }, { $amount }), which is already "{ $status }". It is kept with the pledge: see it with /pledge and the code { $reference }.
