## Always a way forward: how to reach the office, lockouts, typed places and greetings,
## role-aware help. Placeholders must match locales/fa/navigation.ftl.

office-call = ☎️ Call the welfare office: { $phone }
office-visit = You can also ask at your city's welfare office in person.

pledge-report-again-button = 🔁 I did pay: report it again
pledge-report-again-no-room = Pledge { $reference } cannot go back to staff by itself: its need has no room for it any more. Please write to support with /support and the pledge code; they will check your transfer.
status-nothing-new = Nothing new since you last looked.
reminders-verify-first = Kalabarg reminders are for verified households. Please verify first: it takes your own phone number and the household head's national code, once.
button-verify = 📋 Verify me

## /cancel: where it took the person
cancelled-donor = Cancelled. You are back at the donor menu.
cancelled-beneficiary = Cancelled. You are back at the beneficiary menu.
cancelled-staff = Cancelled. You are back at the staff console.
cancelled-main = Cancelled. You are back at the main menu.

## /help: each role sees its own commands
help-title = ❓ Hamdeli help
help-donor =
    For donors:
    • /mypledges — my pledges
    • /privacy — what we keep and who sees it; /forget — erase my account
    • type a need's code (like H7K2QD) or a city's name to open it
help-household =
    For households:
    • /status — my kalabarg and aid requests (the first time, a short verification)
    • /sms — is a kalabarg SMS real?
    • /forget — remove my verification from this bot
help-everyone =
    For everyone:
    • /start or /menu — main menu
    • /support — write to support
    • /language — change language; /settings — announcements and home city
    • /cancel — stop what you are doing and go back to your menu
    • /help — this help
    Whenever you are stuck, send /menu.

## Text typed outside any flow
button-menu = ☰ Menu
greeting-reply = Hello 🌱 Welcome to Hamdeli. Open the menu to help a family or check your status.
typed-place-province = Needs in { $province } province:
typed-place-nothing = Nothing is open in { $province } province right now. Here are the provinces that have needs:
pledge-amount-replaced = You typed a new amount since: please use the latest confirmation below.
