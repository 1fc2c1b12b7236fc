## Need cards and browse pages (bot/views/donor.py). Ids match locales/en/cards.ftl.

# The help button names the need: its item, or its category ("🤝 جهیزیه").
card-help-button = 🤝 { $name }
# When two cards on one page have the same name, the card's number tells them apart.
card-help-button-numbered = 🤝 { $number }. { $name }
# A card whose description was cut to fit the page: opens the whole card.
card-more-button = 📖 { $number }: متن کامل
# Cards on a page are numbered.
card-numbered = { $number }. { $title }
# A need whose city is too small to name (k-anonymity) is placed in its province.
card-place-province = استان { $province }
# The progress bar's legend: ▓ paid, ▒ promised (not paid yet), ░ still needed.
card-amounts = { $paid_mark } پرداخت‌شده: { $paid } · { $promised_mark } تعهدشده: { $promised } · { $open_mark } مانده: { $remaining }
card-fully-pledged = ✅ کامل تعهد شده است: خیّران همهٔ آن را پذیرفته‌اند. سپاس! اگر تعهدی به‌موقع پرداخت نشود، سهم آن دوباره باز می‌شود.
card-not-open = این نیاز دیگر برای کمک تازه باز نیست.

# A button for a place that is no longer listed on its own (or never was): the province.
browse-place-stale = این فهرست اکنون جداگانه نشان داده نمی‌شود. نیازهای استان { $province }:
