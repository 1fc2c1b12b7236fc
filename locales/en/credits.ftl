# Credit: money a donor paid that has no need to go to any more. The donor chooses where it
# goes (a similar need, or the welfare office); after a few days the office decides.
credit-need-closed-notice =
    💚 The welfare office closed need { $code }. The { $amount } you paid for pledge { $reference } is safe and kept in your name as credit.
credit-choice-title = 💚 Your credit: { $amount }
credit-choice-ask = Where should { $amount } go? Choose a similar family's need below, or let the welfare office use it where it is most needed.
credit-move-button = ➡️ { $number }. { $name } ({ $code })
credit-no-similar = No similar need has room right now. You can let the office use it, or look again later.
credit-choice-deadline = If you do not choose by { $date }, the welfare office will decide and tell you where it went.
credit-office-button = 🏛 Let the office use it where it is most needed
credit-already-decided = This credit has already been placed; nothing more is needed. Thank you!
credit-moved = ✅ { $amount } went to need { $code } (pledge { $reference }). Thank you!
credit-office-thanks = 🏛 { $amount } goes to the welfare office, to use where it is most needed. Thank you!
credit-left = { $amount } is still yours to place.
credit-moved-toast = Done
credit-not-found = This credit is not yours or no longer exists.
credit-need-full = Need { $code } has no room for it any more (it was covered or closed meanwhile).
credit-decided-title = 💚 About your credit: you did not choose in time, so the welfare office decided.
credit-decided-need = { $amount } went to need { $code }, the most urgent similar need.
credit-decided-office = { $amount } went to the welfare office, to use where it is most needed.

# Staff: money waiting for donors, and the office's share to place.
credit-office-title = 💚 Credit (paid money with no need yet)
credit-office-unallocated = Waiting for their donors' choice: { $amount }
credit-office-share = The office's share, to place: { $amount }
credit-office-how = To place the office's share on a need: /place CODE
credit-office-empty = The office has no share to place right now. /office shows what is waiting.
credit-office-need-full = Need { $code } cannot take money now (not open, not money, or no room left). Choose another need in /needs.
credit-place-usage = Write the need code, like /place H7K2QD.
credit-place-ask = Place { $amount } of the office's share ({ $share }) on need { $code }?
credit-place-yes-button = ✅ Yes, place it
credit-placed = ✅ { $amount } of the office's share was placed on need { $code }.
stats-credit = 💚 Credit: { $unallocated } waiting for donors' choice, { $office } the office's share to place
audit-action-credit_opened = money became a donor's credit
audit-action-credit_moved = a donor placed their credit
audit-action-credit_decided = the office decided an unanswered credit
audit-action-office_share_placed = placed the office's share on a need
audit-action-export_credits = exported credit
credit-waiting = 💚 You have { $amount } of credit waiting for your choice.
credit-waiting-button = 💚 Choose where { $amount } goes
