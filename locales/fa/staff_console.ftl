## Staff console additions of issue #9: /needs, invites, confirmations of irreversible actions.
## Message ids and placeholders must match locales/en/staff_console.ftl; tests/test_locales.py checks it.

staff-user-id-invalid = این شناسهٔ کاربر نیست: شناسهٔ کاربر یک عدد صحیح مثبت است، مثل /addstaff 123456. برای افزودن کسی بدون شناسه‌اش، /invite را بفرستید و کد را به او بدهید.
broadcast-audience-admin-only = فقط مدیران می‌توانند برای همه اطلاعیه بفرستند. به جای آن خیّران، مددجویان، کارکنان، یک استان یا یک شهر را انتخاب کنید، یا با /broadcast از نو شروع کنید.

## Irreversible actions ask once (/delivered, /close, cancelling an announcement)
staff-delivered-usage = کد نیاز را بعد از دستور بنویسید، مثل /delivered H7K2QD.
staff-deliver-already = نیاز { $code } پیش‌تر تحویل‌شده ثبت شده و به خیّرانش خبر داده شده است؛ کار دیگری نمانده. گزارش: /audit
staff-deliver-closed = نیاز { $code } بسته شده است و نمی‌توان آن را تحویل‌شده ثبت کرد. به خیّرانی که پرداخت کرده بودند گفته شده که کارکنان پرداختشان را رسیدگی می‌کنند: /queue { $code }
staff-deliver-unpaid = هنوز هیچ پرداختی برای نیاز { $code } تأیید نشده است، پس چیزی برای تحویل نیست. اول پرداخت‌هایش را در /queue { $code } تأیید کنید، یا آن را با /close { $code } دلیل ببندید.
staff-deliver-ask = 📦 نیاز { $code } تحویل‌شده ثبت شود؟
staff-close-ask = 🔒 نیاز { $code } بسته شود؟ دلیل: { $reason }
staff-ending-paid-delivered = • به خیّرانِ { $count } تعهدِ پرداخت‌شده خبر داده می‌شود که کمک به دست خانواده رسید.
staff-ending-paid-kept = • { $count } تعهد پیش‌تر پرداخت یا اعلام شده است: پول پرداخت‌شده اعتبار خیّرش می‌شود تا به نیازی مشابه بدهد یا به اداره بسپارد، و پرداختِ اعلام‌شده برای رسیدگی شما می‌ماند. به خیّرانش گفته می‌شود پولشان محفوظ است.
staff-ending-unpaid-cancelled = • { $count } تعهدِ هنوز پرداخت‌نشده لغو می‌شود و به خیّرانش گفته می‌شود پرداخت نکنند.
staff-ending-reported-kept = • { $count } پرداختِ اعلام‌شده هنوز تأیید نشده است و در /queue { $code } برای تأیید یا رد شما می‌ماند.
staff-ending-household = • به خانوار هم خبر داده می‌شود.
staff-ending-no-household = • هیچ خانوار تأییدشده‌ای به این نیاز وصل نیست، پس به خانواری خبر داده نمی‌شود.
staff-ending-irreversible = این کار برگشت‌پذیر نیست.
staff-deliver-yes-button = ✅ بله، تحویل شد
staff-close-yes-button = 🔒 بله، بسته شود
staff-confirm-no-button = ↩️ نه، چیزی تغییر نکند
staff-delivered-unpaid-cancelled = { $count } تعهدِ پرداخت‌نشده لغو شد و به خیّرانش گفته می‌شود پرداخت نکنند.
staff-confirm-dismissed = چیزی تغییر نکرد.
staff-confirm-used = این کار پیش‌تر انجام شده است و دوباره انجام نمی‌شود. برای میز کار کارکنان /menu را بفرستید.
staff-confirm-gone = این تأیید دیگر معتبر نیست. دستور را دوباره بفرستید (/delivered کد یا /close کد دلیل) تا ببینید اکنون چه می‌کند.
broadcast-cancel-ask = ⏹ اطلاعیهٔ شمارهٔ { $id } لغو شود؟ { $sent } نفر آن را گرفته‌اند و { $remaining } نفری که هنوز نگرفته‌اند دیگر آن را نمی‌گیرند. این کار برگشت‌پذیر نیست.
broadcast-cancel-yes-button = ⏹ بله، لغو شود
pledge-need-delivered-unpaid-notice = کمکِ نیاز { $code } پیش‌تر به دست خانواده رسیده است؛ بنابراین تعهد { $reference } ({ $amount }) لغو شد. لطفاً آن را پرداخت نکنید. از مهربانی شما سپاسگزاریم؛ خانواده‌های دیگری هنوز چشم‌انتظار کمک‌اند 🌱

## Invite codes: they expire, an admin can revoke them, and they die with their admin
staff-invite-created = کد دعوت یک‌بارمصرف: { $code } — فرد دعوت‌شده تا { $date } آن را با /join { $code } به ربات بفرستد. کدهای باز: /invites
staff-invite-invalid = این کد دعوت قابل استفاده نیست: شاید اشتباه نوشته شده، قبلاً استفاده شده، منقضی یا باطل شده باشد. از یکی از مدیران کد تازه بخواهید.
staff-invites-title = 🎟 کدهای دعوت باز (هر کد یک بار و تا تاریخش کار می‌کند):
staff-invites-empty = 🎟 هیچ کد دعوت بازی نیست. با /invite یکی بسازید.
staff-invites-line = • { $code } · سازنده: کاربر { $creator } · تا { $date }
staff-invite-revoke-button = ✖️ باطل کردن { $code }
staff-invite-revoked = کد دعوت { $code } باطل شد و کسی با آن نمی‌تواند بپیوندد.
staff-invite-not-open = { $code } کد دعوت بازی نیست (شاید پیش‌تر استفاده، منقضی یا باطل شده باشد). فهرست: /invites
staff-revoke-usage = کد دعوت را بعد از دستور بنویسید، مثل /revokeinvite S-ABCD2345. کدهای باز: /invites
audit-action-revoke_invite = باطل کردن کد دعوت
audit-action-void_invite = باطل شدن کد دعوت (مدیر سازنده‌اش برداشته شد)
staff-invites-button = 🎟 کدهای دعوت

## /needs: the office's needs, filtered by whose, status and place
staff-needs-button = 🗂 نیازها و پیش‌نویس‌ها
staff-needs-title = 🗂 { $whose } · { $status } · { $place }: { $total ->
        [0] هیچ نیازی
       *[other] { $total } نیاز
    } (صفحهٔ { $page } از { $pages }؛ اول پیش‌نویس‌ها، سپس تازه‌ترین تغییرها). برای دیدن یا ویرایش هر نیاز آن را بزنید.
staff-needs-whose-all = همهٔ نیازهای اداره
staff-needs-whose-mine = نیازهایی که شما ثبت کرده‌اید
staff-needs-none = چیزی با این فیلترها پیدا نشد؛ فیلترها را از دکمه‌های زیر تغییر دهید.
staff-needs-line = { $code } · { $status } · { $city } · { $goal }
staff-needs-show-mine-button = 👤 فقط نیازهایی که من ثبت کرده‌ام
staff-needs-show-all-button = 🏢 همهٔ نیازهای اداره
staff-needs-status-button = 🔖 وضعیت
staff-needs-place-button = 📍 محل
staff-needs-any-status = هر وضعیتی
staff-needs-anywhere = همه‌جا
staff-needs-province = استان { $province }
staff-needs-whole-province = کل استان { $province }
staff-needs-ask-status = نیازهای کدام وضعیت نشان داده شود؟
staff-needs-ask-province = نیازهای کجا نشان داده شود؟
staff-needs-ask-city = کدام شهرِ { $province }؟

## The console's list of staff commands
staff-commands-button = ❓ دستورهای کارکنان
staff-commands =
    🛠 دستورهای کارکنان
    • /needs — نیازها و پیش‌نویس‌های اداره، به تفکیک وضعیت و محل؛ هر کدام صفحهٔ ویرایشش را باز می‌کند
    • /newneed — ثبت نیاز · /editneed کد — ویرایش نیاز یا انتشار پیش‌نویس
    • /pledge — یافتن تعهد با کد تعهد · /queue [کد] — پرداخت‌هایی که باید بررسی شوند
    • /delivered کد — کمک رسید (یک بار تأیید می‌خواهد) · /close کد دلیل — بستن نیاز (یک بار تأیید می‌خواهد)
    • /household کد_ملی — پروندهٔ خانوار (ثبت در گزارش)
    • /office — اعتبار خیّران و سهم اداره · /place کد — اختصاص سهم اداره به یک نیاز (یک بار تأیید می‌خواهد)
    • /broadcast — اطلاعیه · /stats — آمار · /audit — گزارش فعالیت‌ها
    مدیران: /addstaff شناسه، /removestaff شناسه، /invite، /invites، /revokeinvite کد، /undo کد_تعهد
staff-need-not-found = نیازی با کد { $code } نیست. کد را بررسی کنید یا نیاز را در /needs پیدا کنید.
