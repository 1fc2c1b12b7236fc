# The donor's receipt (PDF): kept by the donor, asked for by tax offices. Nothing about the
# family who receives the help is on it: only the need's code and category.
donation-receipt-button = 🧾 Receipt (PDF)
donation-receipt-pledge-button = 🧾 Receipt (PDF) { $reference }
donation-receipt-caption = 🧾 The receipt of your donation for pledge { $reference }. Keep it; you can get it again from "My pledges" whenever you need it.
donation-receipt-not-paid = A receipt is issued only once a pledge's payment is confirmed. See this pledge's status in "My pledges".
donation-receipt-items = This pledge is of items: they are delivered, not paid, so no payment receipt is issued for it.

# The receipt itself
donation-receipt-organization = State Welfare Organization of Iran
donation-receipt-phone = Phone: { $phone }
donation-receipt-title = Donation receipt
donation-receipt-subtitle = Through Hamdeli, the welfare office's giving bot
donation-receipt-label-reference = Pledge code
donation-receipt-label-need = Need
donation-receipt-need = { $code } · { $category }
donation-receipt-label-amount = Amount
donation-receipt-amount = { $toman } toman ({ $rials } rials)
donation-receipt-label-paid-at = Paid on
donation-receipt-when = { $date }, { $time }
donation-receipt-label-way = Paid by
donation-receipt-way-chat = payment in the chat
donation-receipt-way-staff = bank transfer, confirmed by the welfare office
donation-receipt-label-charge = Transaction id
donation-receipt-label-provider-charge = Bank's transaction id
donation-receipt-label-tracking = Proof of payment
donation-receipt-tracking = bank tracking number { $tracking }
donation-receipt-no-tracking = none recorded (confirmed by the welfare office)
donation-receipt-privacy = To protect the family's privacy, nothing that names or identifies them is on this receipt.
donation-receipt-issued = Issued on { $date }, { $time }

# The thanks after a payment: pledge code, amount, Jalali date and time, transaction id.
donation-receipt-notice =
    💚 Your payment for pledge { $reference } (need { $code }) is confirmed. Thank you for your kindness!
    Amount: { $amount }
    Paid on: { $date }, { $time }
    { $transaction }
donation-receipt-notice-charge = Transaction id: { $charge }
donation-receipt-notice-tracking = Proof of payment: bank tracking number { $tracking }
donation-receipt-notice-no-tracking = Confirmed by: the welfare office
