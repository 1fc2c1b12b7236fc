## Pledges: refusals a donor may see. Amounts arrive already formatted ({ $remaining }).

pledge-need-unavailable = This need no longer takes pledges; thank you for your kindness 🌱 Please look at other needs.
pledge-amount-not-positive = The amount must be more than zero.
pledge-above-remaining = That is more than this need still lacks. Remaining: { $remaining }
pledge-below-minimum = The smallest pledge is { $minimum }.
pledge-lost-race = Another donor has just pledged to this need. Remaining: { $remaining }
pledge-not-found = This pledge was not found.
pledge-not-cancellable = This pledge can no longer be cancelled.
pledge-not-awaiting-payment = This pledge is not awaiting payment.

## The pledge flow
pledge-ask-amount =
    🤝 Helping need { $code }
    Remaining: { $remaining }
    Choose an amount, or type any amount in toman (for example 250000 or 2 million).
pledge-ask-quantity =
    🤝 Helping need { $code }
    Item: { $item }. How many will you provide? Remaining: { $remaining }
pledge-whole-remaining = All that remains ({ $amount })
pledge-not-understood = I couldn't read that as an amount. Please type it with digits, like 250000 or 2 million, or press one of the buttons.
pledge-quantity-not-understood = Please type the quantity with digits (from 1 to { $remaining }).
pledge-confirm =
    Please confirm:
    Need: { $code }
    Your pledge: { $amount }
    After confirming you have { $hours ->
        [one] 1 hour
       *[other] { $hours } hours
    } to pay, and this share is kept for you.
pledge-confirm-button = ✅ Confirm pledge
pledge-cancel-button = ✖️ Never mind
pledge-done =
    🙏 Thank you! Your pledge is recorded.
    Pledge code: { $reference }
    Amount: { $amount }
pledge-pay-money =
    Please transfer within { $hours ->
        [one] 1 hour
       *[other] { $hours } hours
    } and write the pledge code { $reference } in the transfer description.
    { $instructions }
pledge-pay-card = Card: { $card }
pledge-pay-sheba = IBAN (Sheba): { $sheba }
pledge-pay-portal = Payment portal: { $url }
pledge-pay-items =
    Please deliver the items within { $hours ->
        [one] 1 hour
       *[other] { $hours } hours
    } and bring the pledge code { $reference }.
    { $instructions }
pledge-dropoff = Drop-off address: { $address }
pledge-no-instructions = The welfare office staff will tell you how to pay.
pledge-paid-button = 💳 I've paid
pledge-reported = Thank you 🙏 Staff will check and confirm the payment, and we will let you know.

## My pledges
my-pledges-empty = You have no pledges yet. Start with "Help a family".
my-pledges-header = 📜 Your pledges — page { $page } of { $pages }
my-pledge-line = { $reference } · need { $code } · { $amount } · { $status } · { $date }
pledge-status-awaiting_payment = awaiting payment
pledge-status-payment_reported = payment reported
pledge-status-paid = paid
pledge-status-rejected = rejected
pledge-status-delivered = delivered to the family
pledge-status-expired = expired
pledge-status-cancelled = cancelled
my-pledge-cancel-button = ✖️ Cancel { $reference }
my-pledge-paid-button = 💳 I've paid { $reference }
pledge-cancel-ask = Cancel pledge { $reference } ({ $amount })? Its share goes back to the need.
pledge-cancel-yes = Yes, cancel it
pledge-cancelled = Pledge { $reference } is cancelled.

## Privacy
privacy =
    🔒 Privacy in Hamdeli
    • About donors we keep only the messenger account id, the language and the pledges; we do not store your name or phone number.
    • About beneficiaries, welfare staff keep only what is needed to deliver help. Families' names, national codes, phones and addresses are never shown to donors, and small towns are never named.
    • Only authorised welfare staff see families' data, and every view is logged.
    • To erase your account yourself, send /forget (or press the button below): your language and settings are deleted; your pledges stay for the welfare office's accounts under a donor number, without your name or account. Unpaid pledges you can also cancel under "My pledges".

## The pledge clock
pledge-reminder = ⏰ Reminder: pledge { $reference } ({ $amount }) to need { $code } is not paid yet. { $hours ->
        [one] About 1 hour is left.
       *[other] About { $hours } hours are left.
    } If you have paid, press "I've paid" under "My pledges".
pledge-expired-notice = Pledge { $reference } ({ $amount }) to need { $code } expired unpaid, and its share went back to the need. You are welcome to help again any time 🌱
pledge-need-closed-notice = Need { $code } was closed by the welfare office, so your pledge { $reference } ({ $amount }) is cancelled: please do not pay it. Thank you for your kindness; other families still need help 🌱
pledge-need-closed-paid-notice = Need { $code } was closed by the welfare office. Your payment for pledge { $reference } ({ $amount }) is recorded and safe; the office will settle it with you. Questions: /support
pledge-paid-notice = 💚 Your payment for pledge { $reference } ({ $amount }, need { $code }) is confirmed. Thank you for your kindness!
need-delivered-notice = 🎉 The help you gave to need { $code } ({ $amount }, pledge { $reference }) has reached the family. They thank you.
pledge-receipt-ask = If you like, send a photo of the receipt for pledge { $reference } here, so it is checked sooner (optional).
pledge-receipt-skip = No receipt / later
pledge-receipt-saved = Your receipt arrived 🙏 Staff will check it.
pledge-receipt-expected = Please send a photo of the receipt, or press "No receipt".
