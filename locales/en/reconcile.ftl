# Reconciliation on Bale (inquireTransaction): a pre-checkout was approved, but no payment
# arrived and Bale could not say it was paid, however often it was asked.
reconcile-given-up-staff =
    ⚠️ A payment could not be confirmed: pledge { $reference }, { $amount }.
    Bale was asked { $inquiries } times about transaction { $transaction } (last answer: { $answer }). Please check the account statement, then confirm or reject the pledge.
audit-action-payment_inquiry_given_up = payment could not be confirmed with Bale
reconcile-answer-paid = paid
reconcile-answer-pending = still in progress
reconcile-answer-failed = failed
reconcile-answer-rejected = rejected
reconcile-answer-unknown = transaction unknown to Bale
reconcile-answer-error = no answer from Bale
