## Staff console.

staff-find-pledge-button = 🔎 یافتن تعهد با کد تعهد
staff-audit-button = 🧾 گزارش فعالیت‌ها
staff-ask-reference = کد تعهد را بنویسید (مثل P-8F3K2Q). با /cancel منصرف شوید.
staff-pledge-not-found = تعهدی با کد { $reference } پیدا نشد. دوباره بنویسید یا /menu را بفرستید.
staff-pledge =
    تعهد { $reference }
    نیاز: { $code }
    مبلغ: { $amount }
    وضعیت: { $status }
    تاریخ: { $date }
staff-confirm-button = ✅ پرداخت تأیید شود
staff-reject-button = ❌ رد شود
staff-ask-bank-reference = شمارهٔ پیگیری بانکی واریز تعهد { $reference } را بنویسید. با /cancel منصرف شوید.
staff-ask-reason = دلیل رد تعهد { $reference } را بنویسید (برای خیّر فرستاده می‌شود). با /cancel منصرف شوید.
staff-confirmed = پرداخت تعهد { $reference } تأیید شد و به خیّر خبر داده می‌شود.
staff-rejected = تعهد { $reference } رد شد و به خیّر خبر داده می‌شود.
staff-audit-title = 🧾 آخرین فعالیت‌ها:
pledge-rejected-notice = پرداخت تعهد { $reference } ({ $amount }، نیاز { $code }) تأیید نشد: { $reason }. اگر واریز کرده‌اید، دوباره گزارش دهید (عکس رسید به کارکنان کمک می‌کند) یا به پشتیبانی پیام دهید.
admin-only = این کار فقط برای مدیران است.
staff-usage-user-id = شناسهٔ عددی کاربر را بعد از دستور بنویسید، مثل /addstaff 123456.
staff-user-unknown = کاربر { $user_id } هنوز با ربات گفتگو نکرده است؛ از او بخواهید اول /start را بفرستد، یا یک کد دعوت بسازید.
staff-user-is-admin = کاربر { $user_id } مدیر است؛ مدیران از تنظیمات ADMIN_IDS تعیین می‌شوند.
staff-added = کاربر { $user_id } به کارکنان اضافه شد.
staff-removed = کاربر { $user_id } دیگر جزو کارکنان نیست.
staff-joined = خوش آمدید! شما اکنون جزو کارکنان هستید؛ /menu را بفرستید.
staff-queue-button = 📋 تعهدهای در انتظار تأیید
staff-queue-title = تعهدهای در انتظار تأیید: { $total } (صفحهٔ { $page } از { $pages }؛ اعلام‌شده‌ها و رسیددارها اول):
staff-queue-empty = تعهدی در انتظار تأیید نیست.
staff-queue-line = { $reference } · { $code } · { $amount } · { $status }
staff-not-confirmed = تعهد { $reference } تأییدشده نیست.
staff-undone = تأیید پرداخت تعهد { $reference } برگردانده شد و به خیّر خبر داده می‌شود.
staff-household-not-found = خانواری با این کد ملی ثبت نشده است.
staff-household =
    خانوار { $code }
    سرپرست: { $name }
    تلفن: { $mobile }
    اعضا: { $size } · دهک: { $decile } · مراحل کالابرگ: { $vouchers }
pledge-unconfirmed-notice = تأیید پرداخت تعهد { $reference } ({ $amount }، نیاز { $code }) به دلیل اشتباه برگردانده شد؛ کارکنان دوباره بررسی می‌کنند.
staff-delivered = نیاز { $code } تحویل‌شده ثبت شد و به { $donors } خیّر خبر داده می‌شود.
staff-close-usage = کد نیاز و دلیل را بنویسید، مثل /close H7K2QD خانواده جابه‌جا شد.
staff-closed = نیاز { $code } بسته شد و دیگر به خیّران نشان داده نمی‌شود. { $donors ->
        [0] تعهد پرداخت‌نشده‌ای در انتظار نبود.
       *[other] به { $donors } خیّرِ دارای تعهد پرداخت‌نشده گفته می‌شود که پرداخت نکنند.
    } { $paid ->
        [0] {""}
       *[other] { $paid } تعهد پیش‌تر پرداخت یا اعلام شده بود: پول پرداخت‌شده اعتبار خیّرش می‌شود (خودش نیازی مشابه یا اداره را انتخاب می‌کند) و پرداختِ اعلام‌شده برای رسیدگی شما می‌ماند؛ به خیّرانش خبر داده می‌شود.
    }
staff-need-already-closed = نیاز { $code } پیش‌تر بسته یا تحویل شده است.
staff-stats-button = 📊 آمار
stats-title = 📊 آمار همدلی
stats-users = کاربران: { $donors } خیّر · { $beneficiaries } مددجو · { $new } بدون نقش · { $staff } کارمند · { $active } فعال در ۳۰ روز گذشته
stats-needs-title = نیازها:
stats-pledges-title = تعهدها:
stats-count-line = • { $label }: { $count }
stats-money = جمع پرداخت‌شده: { $raised } از { $target }
stats-province-line = • { $province }: { $raised } از { $target }
stats-province-others = • { $count } استان دیگر: { $raised } از { $target }
need-status-draft = پیش‌نویس
need-status-open = باز
need-status-fully_pledged = کامل تعهد شده
need-status-funded = تأمین‌شده
need-status-delivered = تحویل‌شده
need-status-closed = بسته
need-status-expired = منقضی
stats-chart-title = پرداخت‌شده در برابر هدف (میلیون تومان)
stats-chart-paid = پرداخت‌شده
stats-chart-target = هدف
staff-receipt = رسیدی که خیّر فرستاده است.
staff-export-button = 📤 خروجی تعهدهای ۳۰ روز اخیر
staff-export-caption = { $count } تعهد در ۳۰ روز اخیر (بدون اطلاعات شخصی خانوارها).

## Audit log (/audit): one message per action the bot writes; bot/views/staff.py lists them
## in AUDIT_ACTIONS and tests/test_staff_audit.py checks that none is missing.
staff-audit-empty = هنوز فعالیتی ثبت نشده است.
staff-audit-day = 📅 { $date }
staff-audit-entry = • { $time } · { $what } · { $actor }
staff-audit-subject = { $action }: { $subject }
staff-audit-details = { "   " }{ $details }
staff-audit-separator = { " · " }
staff-audit-list-separator = { "، " }
staff-audit-actor = کاربر { $id }
staff-audit-actor-none = خط فرمان
staff-audit-subject-user = کاربر { $id }
staff-audit-subject-number = شمارهٔ { $id }
staff-audit-subject-household = کد ملی …{ $last }
staff-audit-reason = دلیل: { $reason }
staff-audit-bank-reference = شمارهٔ پیگیری بانکی: { $reference }
staff-audit-audience = گیرندگان: { $audience }
staff-audit-audience-province = ساکنان یک استان
staff-audit-audience-city = ساکنان یک شهر
staff-audit-status = وضعیت: { $status }
staff-audit-fields = تغییر: { $fields }
staff-audit-field-place = محل
staff-audit-field-category = دسته‌بندی
staff-audit-field-goal = مبلغ یا کالا
staff-audit-field-description = شرح
staff-audit-field-description_en = شرح انگلیسی
staff-audit-field-deadline = مهلت
staff-audit-field-national_code = کد ملی
staff-audit-field-urgent = فوریت
staff-audit-field-other = موارد دیگر
staff-audit-donors = به { $count } خیّر خبر داده شد
staff-audit-cancelled = { $count } تعهد پرداخت‌نشده لغو شد
staff-audit-rows = { $count } ردیف
staff-audit-not-found = پیدا نشد
audit-action-view_pledge = مشاهدهٔ تعهد
audit-action-confirm_payment = تأیید پرداخت
audit-action-reject_payment = رد پرداخت
audit-action-undo_confirmation = برگرداندن تأیید پرداخت
audit-action-add_staff = افزودن به کارکنان
audit-action-remove_staff = برداشتن از کارکنان
audit-action-create_invite = ساخت کد دعوت
audit-action-join_staff = پیوستن به کارکنان با کد دعوت
audit-action-admin_granted_by_settings = مدیر شد (تنظیمات ADMIN_IDS)
audit-action-admin_revoked_by_settings = دیگر مدیر نیست (تنظیمات ADMIN_IDS)
audit-action-view_beneficiary = جست‌وجوی خانوار
audit-action-add_need = ثبت نیاز
audit-action-view_need = دیدن کد ملی نیاز
audit-action-edit_need = ویرایش نیاز
audit-action-publish_need = انتشار نیاز
audit-action-deliver_need = تحویل نیاز
audit-action-close_need = بستن نیاز
audit-action-broadcast = فرستادن اطلاعیه
audit-action-broadcast_pause = توقف اطلاعیه
audit-action-broadcast_resume = ادامهٔ اطلاعیه
audit-action-broadcast_cancel = لغو اطلاعیه
audit-action-export_pledges = خروجی تعهدها
audit-action-export_pledges_pii = خروجی تعهدها با اطلاعات شخصی
audit-action-support_reply = پاسخ به پیام پشتیبانی
audit-action-other = کار دیگر ({ $action })

## Confirming a payment: checked first, a real tracking number or a written reason, then next
audit-action-confirm_without_tracking = تأیید پرداخت بدون شمارهٔ پیگیری بانکی
audit-action-confirm_received = تأیید دریافت اقلام
staff-received-button = ✅ اقلام دریافت شد
staff-received = دریافت اقلام تعهد { $reference } ثبت شد و به خیّر خبر داده می‌شود.
staff-no-tracking-button = تأیید بدون شمارهٔ پیگیری بانکی (با ذکر دلیل)
staff-tracking-invalid = شمارهٔ پیگیری بانکی باید فقط رقم باشد، از ۶ تا ۲۰ رقم (مثلاً ۱۲۳۴۵۶۷۸۹۰۱۲). دوباره بنویسید، یا «تأیید بدون شمارهٔ پیگیری بانکی» را بزنید.
staff-tracking-used = این شمارهٔ پیگیری بانکی پیش‌تر تعهد { $pledge } را تأیید کرده است و هر واریز فقط یک بار شمرده می‌شود. شماره را با صورت‌حساب بانک تطبیق دهید و دوباره بنویسید. اگر واقعاً یک واریز هر دو تعهد را پرداخته، «تأیید بدون شمارهٔ پیگیری بانکی» را بزنید و همین را بنویسید.
staff-ask-no-tracking-reason = چرا پرداخت تعهد { $reference } بدون شمارهٔ پیگیری بانکی تأیید می‌شود؟ دلیل را بنویسید (مثلاً «واریز نقدی در دفتر، رسید شمارهٔ ۴۵»). این دلیل در گزارش فعالیت ثبت می‌شود. با /cancel منصرف شوید.
staff-no-tracking-reason-short = لطفاً دلیل را در یک جملهٔ کوتاه بنویسید (دست‌کم ۵ حرف)؛ این دلیل در گزارش فعالیت ثبت می‌شود.
staff-next-button = ➡️ تعهد بعدی در صف
staff-pledge-donor-tracking = شمارهٔ پیگیری بانکی‌ای که خیّر نوشته: { $tracking }
staff-not-confirmable-paid = تعهد { $reference } پیش‌تر تأیید شده است؛ کاری لازم نیست.
staff-not-confirmable-rejected = تعهد { $reference } پیش‌تر رد شده است. اگر خیّر دوباره اعلام پرداخت کند، به صف برمی‌گردد.
staff-not-confirmable-cancelled = تعهد { $reference } را خیّر لغو کرده است؛ چیزی برای تأیید نمانده.
staff-not-confirmable-expired = مهلت تعهد { $reference } گذشته و سهمش آزاد شده است؛ چیزی برای تأیید نمانده.
staff-not-confirmable-delivered = کمک تعهد { $reference } پیش‌تر به خانواده رسیده است؛ کاری لازم نیست.

## Alerts to the staff group (STAFF_CHAT_ID), through the outbox; never the donor's identity
staff-payment-reported-alert = 💰 یک خیّر پرداخت تعهد { $reference } را اعلام کرد (نیاز { $code }، { $amount }). بررسی: /queue
staff-payment-reported-alert-items = 📦 یک خیّر تحویل اقلام تعهد { $reference } را اعلام کرد (نیاز { $code }، { $amount }). بررسی: /queue
staff-receipt-alert = 📎 رسید تعهد { $reference } رسید (نیاز { $code }، { $amount }). بررسی: /queue
staff-receipt-late-alert = 📎 رسید تعهد { $reference } دیر رسید (نیاز { $code }، { $amount })؛ این تعهد پیش‌تر «{ $status }» شده است. رسید کنار تعهد نگه داشته شد: با /pledge و کد { $reference } ببینید.
