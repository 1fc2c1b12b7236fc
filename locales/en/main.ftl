## Hamdeli — English.
## Placeholders ({ $name }) must match locales/fa/main.ftl; tests/test_locales.py checks it.

language-self-name = English

## Entry: /start
welcome =
    Hello, and welcome to Hamdeli 🌱
    Donors see real needs of families, city by city, and help them without anyone's name being revealed.
    Beneficiaries check their kalabarg voucher and the status of their aid requests.
welcome-choose = How can we help?
role-donor-button = 🤝 I want to help
role-beneficiary-button = 📋 Check my status
role-staff-button = 🛠 Staff console
choose-role-hint = Please choose one of the options below.

## Role menus
beneficiary-home =
    📋 Beneficiary menu
    See your household's kalabarg and aid requests. The first time, we verify you with your own phone number and the household head's national code.

button-my-status = 📋 My status

staff-home =
    🛠 Staff console
    Your role: { $role }
staff-role-admin = administrator
staff-role-staff = staff member
staff-only = This section is only for welfare-office staff.

## Buttons shared by every menu
button-language = 🌐 زبان / Language
button-help = ❓ Help
button-main-menu = 🏠 Main menu

## /language
language-choose = Choose your language:
language-changed = Bot language: English ✅

## Things the bot did not understand
unknown-text = Sorry, I didn't understand 🙏 You can type a need's code or a city's name, or open the menu.
unknown-media = For now I only understand buttons and text messages. Continue from the menu below.
button-expired = ⌛ This button has expired. Please use the fresh menu.
error-generic = Sorry, something went wrong and your request was not completed 🙏 Please try again or send /menu.

## Commands shown in the client's command list
command-start = Start and main menu
command-menu = Main menu
command-help = Help
command-mypledges = My pledges
command-settings = Settings: announcements, home city
command-privacy = Privacy: what we keep and who sees it
command-language = Change language
command-cancel = Cancel the current action

## Contact support
button-support = 📞 Contact support
support-ask = Write your message for support. Your account is not shown to staff; only a ticket number.
support-sent = Your message went to support as ticket { $ticket }. The answer will come here.
support-unavailable = Support is not available in this bot right now.
support-text-expected = Please send your message as text.
support-ticket = 🎫 Ticket { $ticket } ({ $persona }):
    { $text }
    — reply to this message to answer.
support-persona-donor = donor
support-persona-beneficiary = beneficiary
support-persona-new = new user
support-reply = 💬 Support's answer (ticket { $ticket }):
    { $text }

# Items one after another (days of a shopping schedule): the list so far, then one more.
list-more = { $list }, { $item }
