## Beneficiaries: verification and the status screen.

verify-why = برای اینکه فقط خودتان وضعیت خانواده‌تان را ببینید، یک‌بار شمارهٔ تلفن و کد ملی سرپرست خانوار را بررسی می‌کنیم.
verify-share-contact-button = 📱 ارسال شمارهٔ تلفن من
verify-cancel-button = انصراف
verify-contact-expected = لطفاً با دکمهٔ «ارسال شمارهٔ تلفن من» شمارهٔ خودتان را بفرستید، یا «انصراف» را بزنید.
verify-contact-not-yours = این شمارهٔ تلفن شما نیست. لطفاً فقط با دکمهٔ «ارسال شمارهٔ تلفن من» شمارهٔ خودتان را بفرستید.
verify-contact-forwarded = شمارهٔ بازارسال‌شده پذیرفته نمی‌شود. لطفاً با دکمهٔ «ارسال شمارهٔ تلفن من» شمارهٔ خودتان را بفرستید.
verify-contact-not-iranian = این شماره یک تلفن همراه ایرانی نیست. لطفاً با شمارهٔ همراهی که در بهزیستی ثبت کرده‌اید وارد شوید.
verify-ask-national-code = ممنون. حالا کد ملی ده‌رقمی سرپرست خانوار را بنویسید (با هر نوع رقمی).
verify-failed = اطلاعات واردشده با پرونده‌ای مطابقت ندارد. لطفاً کد ملی سرپرست خانوار و شمارهٔ تلفن ثبت‌شده را بررسی کنید. { $left } بار دیگر می‌توانید تلاش کنید.
verify-locked = پس از چند تلاش ناموفق، بررسی هویت فعلاً بسته است و { $date } ساعت { $time } دوباره باز می‌شود. تا آن موقع پشتیبانی می‌تواند کمکتان کند.
verify-linked = ✅ هویت شما تأیید شد.
verify-cancelled = بررسی هویت لغو شد.

status-title = 📋 وضعیت خانوار
status-household = کد ملی: ***{ $last3 } · اعضای خانوار: { $size } نفر · دهک: { $decile }
status-no-voucher = هنوز اطلاعاتی از کالابرگ شما ثبت نشده است.
status-voucher = کالابرگ مرحلهٔ { $tranche }: { $status }
status-credit = اعتبار هر نفر: { $per_person } · جمع خانوار: { $total }
status-charged-on = تاریخ شارژ: { $date }
status-expires-on = مهلت خرید: { $date } ({ $days } روز مانده)
status-expired-on = مهلت خرید: { $date } (گذشته)
voucher-status-charged = شارژ شده
voucher-status-pending = در انتظار شارژ
voucher-status-not_eligible = مشمول این مرحله نیست
voucher-status-expired = منقضی شده
status-official = موجودی دقیق را فقط از راه‌های رسمی ببینید: { $channels }
status-official-generic = موجودی دقیق را فقط از راه‌های رسمی دولت ببینید؛ پیامک رسمی کالابرگ فقط از فرستندهٔ v.refah می‌آید.
status-schedule = نوبت خرید شما (کد ملی با رقم { $digit } تمام می‌شود): { $days }
status-aid-title = درخواست‌های کمک:
status-aid-line = { $icon } { $category }: { $status }
aid-status-draft = بهزیستی در حال آماده کردن آن است
aid-status-open = به خیّران نشان داده می‌شود؛ هنوز کسی قول کمک نداده است
aid-status-pledged = خیّران { $percent } آن را قول داده‌اند
aid-status-fully_pledged = خیّران همهٔ آن را قول داده‌اند؛ پرداخت‌هایشان در راه است
aid-status-funded = همهٔ آن پرداخت شده است؛ بهزیستی برای تحویل با شما هماهنگ می‌کند
aid-status-delivered = به دست شما رسید
aid-status-closed = بهزیستی آن را بست
aid-status-expired = مهلتش تمام شد
button-refresh = 🔄 به‌روزرسانی
button-history = 🗂 مراحل قبلی
button-forget = 🗑 فراموشم کن
history-title = مراحل قبلی کالابرگ:
history-line = مرحلهٔ { $tranche }: { $total } · { $status } · { $date }
history-empty = مرحلهٔ قبلی ثبت نشده است.
forget-ask = پیوند حساب شما با پروندهٔ خانوار حذف شود؟ برای دیدن وضعیت باید دوباره هویت خود را تأیید کنید.
forget-yes = بله، حذف شود
forget-done = پیوند حساب شما حذف شد.

voucher-notice = 🛒 کالابرگ مرحلهٔ { $tranche }: { $status }. اعتبار هر نفر { $per_person } و جمع خانوار { $total }. مهلت خرید تا { $date }.
voucher-notice-undated = 🛒 کالابرگ مرحلهٔ { $tranche }: { $status }. اعتبار هر نفر { $per_person } و جمع خانوار { $total }.

## Is this SMS real?
button-check-sms = 🔍 این پیامک واقعی است؟
sms-ask = متن پیامکی را که دریافت کرده‌اید همین‌جا بفرستید (اگر فرستنده را می‌دانید، در خط اول بنویسید «از: …»).
sms-rule = پیامک‌های رسمی کالابرگ فقط از فرستندهٔ v.refah می‌آیند و هرگز لینک ندارند و رمز یا اطلاعات کارت نمی‌خواهند.
sms-looks-fine = نشانهٔ کلاهبرداری در این متن ندیدیم.
sms-warning = ⚠️ مراقب باشید! این پیامک نشانه‌های کلاهبرداری دارد:
sms-sign-link = • لینک دارد؛ پیامک رسمی کالابرگ لینک ندارد.
sms-sign-credentials = • رمز، کد تأیید یا اطلاعات کارت خواسته است؛ هرگز آن‌ها را به کسی ندهید.
sms-sign-sender = • فرستنده v.refah نیست.
sms-text-expected = لطفاً متن پیامک را به‌صورت نوشته بفرستید.

voucher-reminder = ⏰ یادآوری: مهلت خرید کالابرگ مرحلهٔ { $tranche } ({ $total } برای خانوار) { $date } تمام می‌شود؛ { $days } روز مانده.
button-reminders-off = 🔕 یادآوری‌ها خاموش شود
button-reminders-on = 🔔 یادآوری‌ها روشن شود
reminders-now-off = یادآوری مهلت کالابرگ خاموش شد. خبر تغییر کالابرگ همچنان می‌آید.
reminders-now-on = یادآوری مهلت کالابرگ روشن شد.

aid-news-published = 📢 درخواست کمک شما ({ $category }) حالا به خیّران نشان داده می‌شود تا برای آن قول کمک بدهند. نام شما به هیچ‌کس نشان داده نمی‌شود.
aid-news-funded = 💚 هزینهٔ درخواست کمک شما ({ $category }) کامل تأمین شد. کارکنان بهزیستی برای تحویل با شما هماهنگ می‌کنند.
aid-news-delivered = 🎉 کمک مربوط به درخواست شما ({ $category }) تحویل شد.
