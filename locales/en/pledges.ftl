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
    After confirming, this share is kept for you until { $date }, { $time } to pay.
pledge-confirm-button = ✅ Confirm pledge
pledge-cancel-button = ✖️ Never mind
pledge-done =
    🙏 Thank you! Your pledge is recorded.
    Pledge code: { $reference }
    Amount: { $amount }
pledge-pay-money =
    Please pay by { $date }, { $time }.

    { $instructions }
pledge-pay-card =
    💳 Card to card — card number:
    { $card }
pledge-pay-sheba =
    🏦 Bank transfer — IBAN (Sheba):
    { $sheba }
pledge-pay-portal = 🌐 Payment portal: { $url } (pledge code { $reference })
pledge-pay-items =
    Please bring the items by { $date }, { $time }, with the pledge code { $reference }.
    { $instructions }
pledge-dropoff = Drop-off address: { $address }
pledge-no-way-to-pay = No way to pay or hand over is set up in the bot yet. Press "Contact support" below and write to the welfare office; they will tell you how.
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
pledge-reminder = ⏰ Reminder: pledge { $reference } ({ $amount }) to need { $code } is not paid yet. It is kept for you until { $date }, { $time }. If you have paid, press "I've paid" under "My pledges".
pledge-expired-notice = Pledge { $reference } ({ $amount }) to need { $code } expired unpaid, and its share went back to the need. You are welcome to help again any time 🌱
pledge-need-closed-notice = Need { $code } was closed by the welfare office, so your pledge { $reference } ({ $amount }) is cancelled: please do not pay it. Thank you for your kindness; other families still need help 🌱
pledge-need-closed-paid-notice = Need { $code } was closed by the welfare office. Your payment for pledge { $reference } ({ $amount }) is recorded and safe; the office will settle it with you. Questions: /support
need-delivered-notice = 🎉 The help you gave to need { $code } ({ $amount }, pledge { $reference }) has reached the family. They thank you.
pledge-receipt-ask = Please send the bank tracking number of the transfer for pledge { $reference } (digits only), or a photo or PDF of the receipt. It is how staff find your transfer.
pledge-receipt-skip = No receipt / later
pledge-receipt-saved = Your receipt for pledge { $reference } arrived 🙏 Staff will check it.
pledge-receipt-expected = Please type the bank tracking number (digits), or send a photo or PDF of the receipt, or press "No receipt".

## The manual paths: card to card, Sheba, receipts any time, goods
pledge-pay-holder = Account holder: { $holder }
pledge-pay-bank = Bank: { $bank }
pledge-pay-card-after = A card-to-card transfer has no description: after paying, press "I've paid" and send the bank tracking number or a photo of the receipt.
pledge-pay-sheba-description = Write the pledge code { $reference } in the transfer description.
pledge-office-phone = Office phone: { $phone }
pledge-confirm-items =
    Please confirm:
    Need: { $code }
    You will bring: { $amount }
    After confirming, this share is kept for you until { $date }, { $time } to bring the items.
pledge-delivered-button = 📦 I've delivered it
pledge-delivery-reported = Thank you 🙏 Staff will check that the items arrived, and we will let you know.
my-pledge-delivered-button = 📦 I've delivered { $reference }
my-pledge-receipt-button = 📎 Send receipt { $reference }
pledge-status-items-awaiting_payment = awaiting delivery
pledge-status-items-payment_reported = delivery reported
pledge-status-items-paid = received
receipt-tracking-invalid = A bank tracking number is 6 to 20 digits. Please type only its digits, or send a photo or PDF of the receipt.
receipt-pledge-ended = Pledge { $reference } is no longer open (it expired or was cancelled), so there is nothing to attach a receipt to. If you did transfer money for it, please contact support.
receipt-which-pledge = 📎 Which pledge is this receipt for?
receipt-choice-button = { $reference } · { $amount }
pledge-reminder-items = ⏰ Reminder: the items of pledge { $reference } ({ $amount }) for need { $code } have not been delivered yet. The share is kept for you until { $date }, { $time }. If you have brought them, press "I've delivered it" under "My pledges".
pledge-expired-notice-items = Pledge { $reference } ({ $amount }) for need { $code } expired before the items were brought, and its share went back to the need. You are welcome to help again any time 🌱
pledge-need-closed-notice-items = Need { $code } was closed by the welfare office, so your pledge { $reference } ({ $amount }) is cancelled: please do not bring the items. Thank you for your kindness; other families still need help 🌱
pledge-paid-notice-items = 💚 The welfare office received the items of pledge { $reference } ({ $amount }, need { $code }). Thank you for your kindness!
pledge-need-delivered-unpaid-notice-items = The help for need { $code } has already reached the family, so your pledge { $reference } ({ $amount }) is cancelled: please do not bring the items. Thank you for your kindness; other families still need help 🌱
pledge-pay-in-chat = 💳 Pay right here in the chat: press "Pay now" below and pay with any bank card.
pledge-old-confirm-cancelled = This button belongs to pledge { $reference }, which was cancelled, so nothing was registered. To help again, open the need and make a new pledge.
pledge-old-confirm-expired = This button belongs to pledge { $reference }, which expired, so nothing was registered. To help again, open the need and make a new pledge.
pledge-old-confirm-done = This button belongs to pledge { $reference }, which is already done. Thank you! Its status is in "My pledges".
pledge-old-confirm-rejected = This button belongs to pledge { $reference }, whose payment was not confirmed. Its status is in "My pledges".
