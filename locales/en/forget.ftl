# /forget for donors (and anyone not linked to a household): erase the account, keep the
# pledges the welfare office must account for, under a donor number.
forget-donor-ask =
    Erase your account?

    Deleted: your language, your settings (home city, announcements) and anything you were in the middle of.
    Kept, without your name or account: your { $count } pledges (pledge code, need, amount, payment), under a donor number. The welfare office must account for every donation it promised and received, so these records stay; nothing in them leads back to you.

    This cannot be undone.
forget-donor-yes = 🗑 Yes, erase my account
forget-donor-done =
    Your account has been erased.
    { $count } pledges are kept for the welfare office's accounts as donor number { $number }, without your name or account.
    Write /start whenever you want to come back.
forget-erase-button = 🗑 Erase my account
forget-start-again = 🏠 Start again
forget-staff = A staff account cannot erase itself: an admin first removes the role (/removestaff), then /forget works as for anyone.
