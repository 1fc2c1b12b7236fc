# Paying inside the chat (sendInvoice). The invoice carries the need's category and code and
# the amount: never anything about the family.
payment-pay-button = 💳 Pay now ({ $reference })
payment-invoice-title = Hamdeli · need { $code }
payment-invoice-description = { $category }, need { $code }, pledge { $reference }: { $amount }. Your payment goes to the welfare office for this need.
payment-invoice-label = { $category }
payment-not-offered = Paying inside the chat is not available here. Please use the payment details of your pledge, then press "I've paid".
payment-items-not-paid = This pledge is of items: they are delivered, not paid.

# What the payment sheet shows when a payment cannot go ahead (and the chat repeats).
payment-refused-unknown = This invoice is not ours or is too old. Open "My pledges" and press "Pay now" again.
payment-refused-paid = This pledge is already paid: nothing more is needed. Thank you!
payment-refused-reported = You told us you already paid this pledge; staff are checking it. Nothing more is needed.
payment-refused-expired = This pledge has expired, so nothing was taken from your account. You can pledge again from the need's page.
payment-refused-cancelled = This pledge was cancelled, so nothing was taken from your account.
payment-refused-amount = The amount of this invoice no longer matches your pledge, so nothing was taken. Press "Pay now" again for a new invoice.

payment-unallocated-notice =
    💚 Your payment of { $amount } for pledge { $reference } arrived and is safe.
    The need { $code } could no longer take it (it was already covered, or the pledge had ended), so it is kept in your name as credit.
