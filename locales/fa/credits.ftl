# اعتبار: پولی که خیّر پرداخته و دیگر نیازی برای رفتن ندارد. خیّر انتخاب می‌کند کجا برود (نیازی
# مشابه، یا ادارهٔ بهزیستی)؛ پس از چند روز اداره تصمیم می‌گیرد.
credit-need-closed-notice =
    💚 ادارهٔ بهزیستی نیاز { $code } را بست. { $amount } که برای تعهد { $reference } پرداختید محفوظ است و به‌عنوان اعتبار به نام شما نگه داشته می‌شود.
credit-choice-title = 💚 اعتبار شما: { $amount }
credit-choice-ask = { $amount } کجا برود؟ نیاز خانواده‌ای مشابه را از فهرست زیر انتخاب کنید، یا بگذارید ادارهٔ بهزیستی آن را هر جا که بیشتر لازم است خرج کند.
credit-move-button = ➡️ { $number }. { $name } ({ $code })
credit-no-similar = فعلاً نیاز مشابهی جای خالی ندارد. می‌توانید آن را به اداره بسپارید یا بعداً دوباره نگاه کنید.
credit-choice-deadline = اگر تا { $date } انتخاب نکنید، ادارهٔ بهزیستی تصمیم می‌گیرد و به شما می‌گوید کجا رفت.
credit-office-button = 🏛 اداره هر جا بیشتر لازم است خرج کند
credit-already-decided = این اعتبار پیش‌تر به جایی رفته است؛ کار دیگری لازم نیست. سپاسگزاریم!
credit-moved = ✅ { $amount } به نیاز { $code } رفت (تعهد { $reference }). سپاسگزاریم!
credit-office-thanks = 🏛 { $amount } به ادارهٔ بهزیستی سپرده شد تا هر جا بیشتر لازم است خرج شود. سپاسگزاریم!
credit-left = { $amount } هنوز در اختیار شماست تا جایش را انتخاب کنید.
credit-moved-toast = انجام شد
credit-not-found = این اعتبار مال شما نیست یا دیگر وجود ندارد.
credit-need-full = نیاز { $code } دیگر جایی برای آن ندارد (در این فاصله تأمین یا بسته شد).
credit-decided-title = 💚 دربارهٔ اعتبار شما: به‌موقع انتخاب نکردید، پس ادارهٔ بهزیستی تصمیم گرفت.
credit-decided-need = { $amount } به نیاز { $code }، فوری‌ترین نیاز مشابه، رفت.
credit-decided-office = { $amount } به ادارهٔ بهزیستی رفت تا هر جا بیشتر لازم است خرج شود.

# کارکنان: پولی که منتظر انتخاب خیّران است، و سهم اداره برای اختصاص.
credit-office-title = 💚 اعتبار (پول پرداخت‌شده‌ای که هنوز نیازی ندارد)
credit-office-unallocated = منتظر انتخاب خیّران: { $amount }
credit-office-share = سهم اداره برای اختصاص: { $amount }
credit-office-how = برای اختصاص سهم اداره به یک نیاز: /place کد
credit-office-empty = اداره فعلاً سهمی برای اختصاص ندارد. /office نشان می‌دهد چه چیزی منتظر است.
credit-office-need-full = نیاز { $code } اکنون پول نمی‌پذیرد (باز نیست، نقدی نیست یا جای خالی ندارد). نیاز دیگری را در /needs انتخاب کنید.
credit-place-usage = کد نیاز را بنویسید، مثل /place H7K2QD.
credit-place-ask = { $amount } از سهم اداره ({ $share }) به نیاز { $code } اختصاص داده شود؟
credit-place-yes-button = ✅ بله، اختصاص بده
credit-placed = ✅ { $amount } از سهم اداره به نیاز { $code } اختصاص یافت.
stats-credit = 💚 اعتبار: { $unallocated } منتظر انتخاب خیّران، { $office } سهم اداره برای اختصاص
audit-action-credit_opened = پولی اعتبار خیّر شد
audit-action-credit_moved = خیّر جای اعتبارش را انتخاب کرد
audit-action-credit_decided = اداره دربارهٔ اعتبارِ بی‌پاسخ تصمیم گرفت
audit-action-office_share_placed = اختصاص سهم اداره به یک نیاز
audit-action-export_credits = خروجی اعتبارها
credit-waiting = 💚 { $amount } اعتبار منتظر انتخاب شماست.
credit-waiting-button = 💚 انتخاب مقصد { $amount }
