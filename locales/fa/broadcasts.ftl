## اطلاعیه‌ها: کارکنان به همه، یک گروه، یک استان یا یک شهر خبر می‌دهند.
## Placeholders must match locales/en/broadcasts.ftl; tests/test_locales.py checks it.

broadcast-header = 📢 اطلاعیهٔ همدلی
broadcast-stop-button = 🔕 دیگر اطلاعیه نفرست
staff-broadcast-button = 📢 اطلاعیهٔ تازه

broadcast-ask-text =
    📢 اطلاعیهٔ تازه
    متن اطلاعیه را بفرستید (تا { $text_limit } نویسه)، یا یک عکس با توضیح (تا { $caption_limit } نویسه).
    با /cancel منصرف شوید.
broadcast-text-needed = لطفاً اطلاعیه را به صورت متن، یا یک عکس با توضیح بفرستید.
broadcast-photo-needs-caption = عکس نگه داشته شد. حالا متنی را که همراهش می‌رود بفرستید (تا { $caption_limit } نویسه).
broadcast-too-long = این اطلاعیه { $length } نویسه است و حداکثر { $limit } نویسه مجاز است. لطفاً کوتاه‌ترش کنید و دوباره بفرستید.
broadcast-ask-audience = برای چه کسانی فرستاده شود؟
broadcast-audience-everyone = 👥 همه
broadcast-audience-donors = 🤝 خیّران
broadcast-audience-beneficiaries = 📋 مددجویان
broadcast-audience-staff = 🛠 کارکنان
broadcast-audience-province = 🗺 یک استان
broadcast-audience-city = 🏙 یک شهر
broadcast-audience-everyone-named = همه
broadcast-audience-donors-named = خیّران
broadcast-audience-beneficiaries-named = مددجویان
broadcast-audience-staff-named = کارکنان
broadcast-audience-province-named = ساکنان استان { $place }
broadcast-audience-city-named = ساکنان { $place }
broadcast-ask-province = کدام استان؟
broadcast-ask-city = کدام شهر؟
broadcast-preview-title = 👇 گیرندگان دقیقاً این را می‌بینند:
broadcast-confirm =
    گیرندگان: { $audience }
    { $count ->
        [0] اکنون هیچ‌کس در این گروه اطلاعیه دریافت نمی‌کند. گروه دیگری انتخاب کنید.
       *[other] برای { $count } نفر فرستاده می‌شود.
    }
broadcast-send-button = ✅ ارسال برای { $count } نفر
broadcast-change-audience-button = ✏️ تغییر گیرندگان
broadcast-cancel-compose-button = ✖️ انصراف
broadcast-draft-gone = این پیش‌نویس دیگر باز نیست. با /broadcast اطلاعیهٔ تازه بنویسید.
broadcast-started = ✅ اطلاعیهٔ شمارهٔ { $id } در راه است. پیشرفتش را در پیام زیر می‌بینید.
broadcast-already-started = این اطلاعیه پیش‌تر فرستاده شده است (شمارهٔ { $id }) و دوباره فرستاده نمی‌شود.

broadcast-progress =
    📢 اطلاعیهٔ شمارهٔ { $id }: { $status }
    { $bar }
    ✅ فرستاده شد: { $sent } از { $total }
    🚫 ربات را مسدود کرده‌اند: { $blocked }
    ⚠️ ناموفق: { $failed }
    ⏳ مانده: { $remaining }
broadcast-speed = ⚡ سرعت: { $rate } پیام در ثانیه
broadcast-speed-eta = ⚡ سرعت: { $rate } پیام در ثانیه · حدود { $eta } دیگر
broadcast-seconds = { $count } ثانیه
broadcast-minutes = { $count } دقیقه
broadcast-hours = { $hours } ساعت{ $minutes ->
        [0] {""}
       *[other] {" "}و { $minutes } دقیقه
    }
broadcast-report-rate = ⚡ { $rate } گیرنده در ثانیه، در { $duration } ارسال (بی‌احتساب توقف‌ها)
broadcast-status-running = در حال ارسال
broadcast-status-paused = متوقف
broadcast-status-paused-why = متوقف ({ $reason })
broadcast-status-cancelled = لغو شد
broadcast-status-done = تمام شد
broadcast-pause-staff = به دست کارکنان
broadcast-pause-forbidden = پس از ردهای پیاپی
broadcast-pause-button = ⏸ توقف
broadcast-resume-button = ▶️ ادامه
broadcast-cancel-button = ⏹ لغو
broadcast-paused = ⏸ اطلاعیهٔ شمارهٔ { $id } متوقف شد.
broadcast-resumed = ▶️ ارسال اطلاعیهٔ شمارهٔ { $id } ادامه دارد.
broadcast-cancelled = ⏹ اطلاعیهٔ شمارهٔ { $id } لغو شد و برای کس دیگری فرستاده نمی‌شود.
broadcast-not-changeable = اطلاعیهٔ شمارهٔ { $id } پیش‌تر به پایان رسیده است.
broadcast-already-running = اطلاعیهٔ شمارهٔ { $id } همین حالا در حال ارسال است.
broadcast-already-paused = اطلاعیهٔ شمارهٔ { $id } همین حالا متوقف است.
broadcast-unknown = چنین اطلاعیه‌ای نیست.

broadcast-report =
    📢 اطلاعیهٔ شمارهٔ { $id }: { $status }.
    گیرندگان: { $total }
    ✅ فرستاده شد: { $sent }
    🚫 ربات را مسدود کرده‌اند: { $blocked }
    ⚠️ ناموفق: { $failed }
    ❔ معلوم نیست رسید یا نه (تکرار نمی‌شود): { $unknown }
    ⏹ فرستاده نشد: { $not_sent }
broadcast-paused-forbidden =
    ⚠️ اطلاعیهٔ شمارهٔ { $id } خودبه‌خود متوقف شد: پیام‌رسان { $refusals } ارسال پیاپی را رد کرد.
    اگر این‌همه نفر ربات را مسدود نکرده‌اند، شاید توکن ربات باطل شده باشد. آن را بررسی کنید و سپس «ادامه» را بزنید.

## تنظیمات همه
settings-button = ⚙️ تنظیمات
settings-screen =
    ⚙️ تنظیمات
    📢 اطلاعیه‌ها: { $announcements }
    🏙 شهر محل زندگی: { $city }
    اطلاعیه‌های هر شهر به کسانی می‌رسد که آن شهر را انتخاب کرده‌اند.
settings-on = روشن
settings-off = خاموش
settings-no-home-city = انتخاب نشده
settings-announcements-off-button = 🔕 خاموش کردن اطلاعیه‌ها
settings-announcements-on-button = 🔔 روشن کردن اطلاعیه‌ها
settings-home-city-button = 🏙 انتخاب شهر
settings-ask-province = شهر شما در کدام استان است؟
settings-ask-city = کدام شهر؟
announcements-turned-off = 🔕 دیگر اطلاعیه‌ای برایتان فرستاده نمی‌شود. هر وقت خواستید از ⚙️ تنظیمات (/settings) دوباره روشنش کنید.
announcements-turned-on = 🔔 اطلاعیه‌ها روشن است.
home-city-saved = 🏙 شهر شما ثبت شد: { $city }
