## Staff add and change needs (bot/handlers/staff_needs.py).
## Message ids and placeholders must match locales/fa/staff_needs.ftl; tests/test_locales.py checks it.

staff-new-need-button = ➕ New need
need-edit-usage = Write the need's code after the command, like /editneed H7K2QD.

## Questions, one value at a time
need-form-ask-province = 📍 Which province is the need in?
need-form-ask-city = 📍 Which city of { $province }?
need-form-ask-category = 🗂 What kind of help is it?
need-form-ask-kind = Is it money, or goods?
need-form-ask-amount = 💰 How much is needed, in toman? For example "25,000,000" or "2.5 million".
need-form-ask-item = 📦 What goods are needed? For example "refrigerator" or "school bag".
need-form-ask-quantity = Item: { $item }. How many are needed? Type a whole number, like 3.
need-form-ask-description = ✍️ Describe the need in Persian, as donors will read it. Never write names, phone numbers, national codes or addresses.
need-form-ask-description-en = ✍️ Describe the need in English for English-speaking donors (optional). Never write names, phone numbers, national codes or addresses.
need-form-ask-deadline = ⏳ Until when is help needed? Type a date like { $example } (or { $iso }).
need-form-ask-national-code = 🔒 The national code of the household head (optional; only staff see it, it links the need to the household).
need-form-ask-urgent = Is it urgent? Urgent needs are shown to donors first.

## Buttons
need-form-category-button = { $icon } { $name }
need-form-kind-money = 💰 Money (toman)
need-form-kind-items = 📦 Goods
need-form-urgent-yes = 🔴 Urgent
need-form-urgent-no = Not urgent
need-form-skip = ⏭ Skip
need-form-no-deadline = No deadline
need-form-no-english = No English description
need-form-back-to-provinces = ↩️ Other provinces
need-form-cancel-button = ✖️ Cancel
need-form-publish-button = 📢 Publish
need-form-draft-button = 📝 Save as draft
need-form-save-button = 💾 Save changes
need-staff-publish-button = 📢 Publish this draft
need-field-place = ✏️ Place
need-field-category = ✏️ Category
need-field-goal = ✏️ Amount or goods
need-field-description = ✏️ Description
need-field-description_en = ✏️ English description
need-field-deadline = ✏️ Deadline
need-field-national_code = ✏️ National code
need-field-urgent = ✏️ Urgent

## Preview and the staff view of a need
need-form-preview-title = 👀 Preview: donors will see this card.
need-form-edit-preview-title = 👀 Need { $code } after your changes (not saved yet):
need-staff-view-title = 🛠 Need { $code }: choose what to change.
need-staff-private-title = 🔒 Only staff see this:
need-staff-status = Status: { $status }
need-staff-not-saved = Status: not saved yet
need-staff-place = Place: { $city }, { $province }
need-staff-national-code = Household head's national code: { $code }
need-staff-no-national-code = Household head's national code: not given
need-staff-english = English description: { $text }
need-staff-commands = To close it: /close { $code } REASON · when the help has arrived: /delivered { $code }

## Outcomes
need-form-published = ✅ Need { $code } is published; donors can see it now.
need-form-drafted = 📝 Need { $code } is saved as a draft; donors do not see it until it is published.
need-form-saved = ✅ The changes to need { $code } are saved.
need-form-draft-published = ✅ Need { $code } is published; donors can see it now.
need-form-cancelled = Cancelled; nothing was saved.

## Answers that cannot be used (the question follows again)
need-form-use-buttons = Please choose with the buttons below.
need-form-type-text = Please type the answer as a text message.
need-form-item-empty = Please write what the goods are, for example "refrigerator".
need-form-quantity = Please type a whole number from 1 to { $limit }, for example 3.
need-form-description-empty = Please write the description as text.
need-form-too-long = This is { $count } characters long; at most { $limit } fit. Please shorten it.
need-form-control-characters = The text contains an invisible control character; please type it again.
need-form-personal-data = This text contains a number shaped like a national code or a phone number. Donors must never see personal data, so please write it again without it (write dates like 1404/09/30 and amounts like 2,500,000).
need-form-deadline-past = { $date } is not in the future; the deadline must be a later day.
need-form-kind-has-pledges = Donors have already pledged to this need, so it cannot switch between money and goods.
need-form-below-pledged-money = Donors have already pledged { $toman } toman; the amount cannot be less than that.
need-form-below-pledged-items = Donors have already pledged { $count ->
        [one] 1 item
       *[other] { $count } items
    }; the quantity cannot be less than that.
need-form-place-unknown = This city is not in that province; please choose the place again.
need-form-changed-meanwhile = The need changed while you were editing it; please open it again with /editneed.
need-form-not-draft = Need { $code } is not a draft, so there is nothing to publish.
