## Need cards and browse pages (bot/views/donor.py). Ids match locales/fa/cards.ftl.

# The help button names the need: its item, or its category ("🤝 Dowry").
card-help-button = 🤝 { $name }
# When two cards on one page have the same name, the card's number tells them apart.
card-help-button-numbered = 🤝 { $number }. { $name }
# A card whose description was cut to fit the page: opens the whole card.
card-more-button = 📖 { $number }: read it all
# Cards on a page are numbered.
card-numbered = { $number }. { $title }
# A need whose city is too small to name (k-anonymity) is placed in its province.
card-place-province = { $province } province
# The progress bar's legend: ▓ paid, ▒ promised (not paid yet), ░ still needed.
card-amounts = { $paid_mark } Paid: { $paid } · { $promised_mark } Promised: { $promised } · { $open_mark } Still needed: { $remaining }
card-fully-pledged = ✅ Fully pledged: donors have promised all of it. Thank you! If a promise is not paid in time, its share opens again.
card-not-open = This need is no longer open to new help.

# A button for a place that is no longer listed on its own (or never was): the province.
browse-place-stale = That list is not shown on its own now. Here are the needs of { $province } province:
