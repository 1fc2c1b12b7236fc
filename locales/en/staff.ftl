## Staff console.

staff-find-pledge-button = 🔎 Find a pledge by reference
staff-audit-button = 🧾 Audit log
staff-ask-reference = Type the pledge reference (like P-8F3K2Q).
staff-pledge-not-found = No pledge has the reference { $reference }. Type it again or send /menu.
staff-pledge =
    Pledge { $reference }
    Need: { $code }
    Amount: { $amount }
    Status: { $status }
    Date: { $date }
staff-confirm-button = ✅ Confirm payment
staff-reject-button = ❌ Reject
staff-ask-bank-reference = Type the bank tracking number of the transfer for pledge { $reference }.
staff-ask-reason = Type why pledge { $reference } is rejected (the donor will read it).
staff-confirmed = Payment for pledge { $reference } is confirmed; the donor will be told.
staff-rejected = Pledge { $reference } is rejected; the donor will be told.
staff-audit-title = 🧾 Latest activity:
staff-audit-line = { $date } { $time } · user { $actor } · { $action } · { $subject }
pledge-rejected-notice = The payment for pledge { $reference } ({ $amount }, need { $code }) was not confirmed: { $reason }. If you did transfer it, please contact the welfare office.
admin-only = Only administrators can do this.
staff-usage-user-id = Write the user's numeric id after the command, like /addstaff 123456.
staff-user-unknown = User { $user_id } has not talked to the bot yet; ask them to send /start first, or create an invite code.
staff-user-is-admin = User { $user_id } is an administrator; administrators come from the ADMIN_IDS setting.
staff-added = User { $user_id } is now staff.
staff-removed = User { $user_id } is no longer staff.
staff-invite-created = One-time invite code: { $code } — the invited person sends /join { $code } to the bot.
staff-invite-invalid = This invite code is not valid or was already used.
staff-joined = Welcome! You are now staff; send /menu.
staff-queue-button = 📋 Pledges awaiting confirmation
staff-queue-title = Pledges awaiting confirmation (reported ones and receipts first):
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
staff-delivered = Need { $code } is marked delivered; { $donors } donors will be told.
staff-close-usage = Write the need code and a reason, like /close H7K2QD the family moved.
staff-closed = Need { $code } is closed and no longer shown to donors. { $donors ->
        [0] No unpaid pledge was waiting.
        [one] The donor of 1 unpaid pledge is told not to pay.
       *[other] The donors of { $donors } unpaid pledges are told not to pay.
    }
staff-stats-button = 📊 Statistics
stats-title = 📊 Hamdeli statistics
stats-users = Users: { $donors } donors · { $beneficiaries } beneficiaries · { $new } without a role · { $staff } staff · { $active } active in the last 30 days
stats-needs-title = Needs:
stats-pledges-title = Pledges:
stats-count-line = • { $label }: { $count }
stats-money = Paid so far: { $raised } of { $target }
stats-province-line = • { $province }: { $raised } of { $target }
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
staff-export-caption = { $count } pledges in the last 30 days (no households' personal data).
