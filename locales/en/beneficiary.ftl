## Beneficiaries: verification and the status screen.

verify-why = So that only you can see your household's status, we check your phone number and the household head's national code once.
verify-share-contact-button = 📱 Share my phone number
verify-cancel-button = Cancel
verify-contact-expected = Please share your own number with the "Share my phone number" button, or press "Cancel".
verify-contact-not-yours = That is not your phone number. Please share only your own number with the "Share my phone number" button.
verify-contact-forwarded = A forwarded contact is not accepted. Please share your own number with the "Share my phone number" button.
verify-contact-not-iranian = That is not an Iranian mobile number. Please use the mobile number registered with the welfare office.
verify-ask-national-code = Thank you. Now type the household head's 10-digit national code (any digits are fine).
verify-failed = These details do not match a record. Please check the household head's national code and the registered phone number. You can try { $left ->
        [one] once more.
       *[other] { $left } more times.
    }
verify-locked = After several failed attempts, verification is closed for now. It opens again on { $date } at { $time }. Meanwhile, support can help.
verify-linked = ✅ You are verified.
verify-cancelled = Verification cancelled.

status-title = 📋 Household status
status-household = National code: ***{ $last3 } · Household: { $size ->
        [one] 1 person
       *[other] { $size } people
    } · Decile: { $decile }
status-no-voucher = No kalabarg information has been recorded for you yet.
status-voucher = Kalabarg tranche { $tranche }: { $status }
status-credit = Credit per person: { $per_person } · Household total: { $total }
status-charged-on = Charged on: { $date }
status-expires-on = Shop until: { $date } ({ $days ->
        [one] 1 day left
       *[other] { $days } days left
    })
status-expired-on = Shop until: { $date } (passed)
voucher-status-charged = charged
voucher-status-pending = waiting to be charged
voucher-status-not_eligible = not eligible for this tranche
voucher-status-expired = expired
status-official = See the exact balance only through the official channels: { $channels }
status-official-generic = See the exact balance only through the government's official channels; official kalabarg SMS come only from the sender v.refah.
status-schedule = Your shopping days (national code ending in { $digit }): { $days }
status-aid-title = Aid requests:
status-aid-line = { $icon } { $category }: { $status }
aid-status-draft = the welfare office is preparing it
aid-status-open = it is open to donors; no one has promised help yet
aid-status-pledged = donors have promised { $percent } of it
aid-status-fully_pledged = donors have promised all of it; their payments are on the way
aid-status-funded = all of it has been paid; the welfare office will arrange the delivery with you
aid-status-delivered = it was delivered
aid-status-closed = the welfare office closed it
aid-status-expired = its time ran out
button-refresh = 🔄 Refresh
button-history = 🗂 Earlier tranches
button-forget = 🗑 Forget me
history-title = Earlier kalabarg tranches:
history-line = Tranche { $tranche }: { $total } · { $status } · { $date }
history-empty = No earlier tranche is recorded.
forget-ask = Remove the link between your account and your household's record? You will need to verify again to see your status.
forget-yes = Yes, remove it
forget-done = The link to your account has been removed.

voucher-notice = 🛒 Kalabarg tranche { $tranche }: { $status }. Credit { $per_person } per person, { $total } for the household. Shop until { $date }.
voucher-notice-undated = 🛒 Kalabarg tranche { $tranche }: { $status }. Credit { $per_person } per person, { $total } for the household.

## Is this SMS real?
button-check-sms = 🔍 Is this SMS real?
sms-ask = Paste the text of the SMS you received here (if you know the sender, write "From: …" on the first line).
sms-rule = Official kalabarg SMS come only from the sender v.refah; they never contain links and never ask for a password or card details.
sms-looks-fine = We found no sign of fraud in this text.
sms-warning = ⚠️ Be careful! This SMS shows signs of fraud:
sms-sign-link = • It has a link; official kalabarg SMS have none.
sms-sign-credentials = • It asks for a password, a code or card details; never give these to anyone.
sms-sign-sender = • The sender is not v.refah.
sms-text-expected = Please send the SMS as text.

voucher-reminder = ⏰ Reminder: kalabarg tranche { $tranche } ({ $total } for the household) can be used until { $date }; { $days ->
        [one] 1 day left.
       *[other] { $days } days left.
    }
button-reminders-off = 🔕 Turn reminders off
button-reminders-on = 🔔 Turn reminders on
reminders-now-off = Kalabarg expiry reminders are off. News of changed tranches still comes.
reminders-now-on = Kalabarg expiry reminders are on.

aid-news-published = 📢 Your aid request ({ $category }) is now open to donors: they can see it and promise help. Your name is never shown to anyone.
aid-news-funded = 💚 Your aid request ({ $category }) is fully funded. Welfare staff will arrange the delivery with you.
aid-news-delivered = 🎉 The help for your request ({ $category }) has been delivered.
