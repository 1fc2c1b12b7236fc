## Monthly kindness: a standing gift each Jalali month. Amounts arrive formatted
## ({ $amount } is "500,000 toman"), dates as Jalali dates, days as numbers.

monthly-button = 💚 مهربانی ماهانه
monthly-give-monthly-button = 💚 هر ماه کمک کنم
monthly-intro =
    💚 مهربانی ماهانه
    هر ماه، در روزی که خودتان انتخاب می‌کنید، مبلغی کوچک کمک کنید. در آن روز بات این مبلغ را برای فوری‌ترین نیازِ جادار در شهر یا استانی که انتخاب کرده‌اید تعهد می‌کند و راه پرداخت را برایتان می‌فرستد، درست مثل وقتی که خودتان تعهد می‌دهید. هر وقت بخواهید می‌توانید یک ماه را رد کنید، متوقف کنید، تغییر دهید یا پایان دهید.
monthly-setup-button = 💚 شروع مهربانی ماهانه

## Setting it up
monthly-ask-amount =
    💚 هر ماه چه مبلغی؟
    یکی از مبلغ‌ها را انتخاب کنید یا مبلغ دلخواه را به تومان بنویسید (مثلاً ۳۰۰۰۰۰ یا ۱ میلیون). از { $minimum } تا { $maximum }.
monthly-ask-new-amount =
    ✏️ کمک ماهانهٔ شما اکنون { $amount } است. چه مبلغی باشد؟
    یکی از مبلغ‌ها را انتخاب کنید یا مبلغ دلخواه را به تومان بنویسید. از { $minimum } تا { $maximum }.
monthly-amount-too-small = کمک ماهانه دست‌کم { $minimum } است. لطفاً مبلغ بیشتری انتخاب کنید یا بنویسید.
monthly-amount-too-large = کمک ماهانه حداکثر { $maximum } است. لطفاً مبلغ کمتری انتخاب کنید یا بنویسید.
monthly-amount-hint = لطفاً مبلغ ماهانه را با رقم بنویسید (مثل ۳۰۰۰۰۰ یا ۱ میلیون)، یا یکی از دکمه‌ها را بزنید.
monthly-ask-province = 📍 کمک ماهانهٔ شما به کدام استان برسد؟ (عدد، تعداد نیازهای باز است)
monthly-ask-city =
    📍 { $province }: همهٔ استان، یا یک شهر؟
    برای حفظ حریم خانواده‌ها، شهرهای کوچک جدا نام برده نمی‌شوند؛ «همهٔ استان» آن‌ها را هم در بر می‌گیرد.
monthly-whole-province = همهٔ { $province } ({ $count })
monthly-ask-category = 🗂 هر نوع نیازی، یا یک نوع خاص؟ ({ $place })
monthly-any-category = هر نوع نیازی
monthly-ask-day = 📅 چندمِ هر ماه شمسی؟ (۱ تا ۲۸، تا در همهٔ ماه‌ها باشد)
monthly-confirm =
    💚 لطفاً مهربانی ماهانهٔ خود را تأیید کنید:
    هر ماه: { $amount }
    برای: { $scope }
    روز { $day } هر ماه شمسی
    نخستین کمک: { $first }
    در آن روز بات این مبلغ را برای فوری‌ترین نیازِ جادار آن‌جا تعهد می‌کند و راه پرداخت را برایتان می‌فرستد. هیچ مبلغی خودبه‌خود از حساب شما برداشته نمی‌شود.
monthly-start-button = ✅ شروع مهربانی ماهانه
monthly-cancel-button = ✖️ منصرف شدم
monthly-started = 💚 مهربانی ماهانهٔ شما شروع شد. سپاس!
monthly-already = شما مهربانی ماهانه دارید؛ این است.

## Places in words
monthly-scope-city = { $city } ({ $province })
monthly-scope-province = همهٔ استان { $province }
monthly-scope-category = { $place }، نیازهای { $category }
monthly-scope-any = { $place }، هر نوع نیازی

## The standing gift
monthly-summary =
    💚 مهربانی ماهانهٔ شما
    هر ماه: { $amount }
    برای: { $scope }
    روز { $day } هر ماه شمسی
    وضعیت: { $status }
monthly-next = کمک بعدی: { $date }
monthly-status-active = فعال
monthly-status-paused = متوقف ⏸
monthly-skip-button = ⏭ رد کردن { $date }
monthly-pause-button = ⏸ توقف
monthly-resume-button = ▶️ ادامه
monthly-amount-button = ✏️ تغییر مبلغ
monthly-place-button = 📍 تغییر مکان
monthly-stop-button = ⏹ پایان

## Each change asks first
monthly-ask-skip = کمک { $date } رد شود؟ در آن ماه تعهدی ثبت نمی‌شود؛ کمک بعدی { $next } است.
monthly-ask-pause = مهربانی ماهانه متوقف شود؟ تا وقتی ادامه ندهید، کمکی ثبت نمی‌شود.
monthly-ask-resume = مهربانی ماهانه ادامه یابد؟ کمک بعدی { $date } است.
monthly-ask-stop = مهربانی ماهانه پایان یابد؟ دیگر کمکی ثبت نمی‌شود. تعهدهایی که ثبت شده‌اند در «تعهدهای من» همان‌طور می‌مانند.
monthly-confirm-amount = کمک ماهانه از { $old } به { $amount } تغییر کند؟ از کمک بعدی حساب می‌شود.
monthly-confirm-place = از این پس کمک به { $scope } برسد؟ (تاکنون: { $old })
monthly-yes-skip = ⏭ بله، رد شود
monthly-yes-pause = ⏸ بله، متوقف شود
monthly-yes-resume = ▶️ بله، ادامه یابد
monthly-yes-stop = ⏹ بله، پایان یابد
monthly-yes-change = ✅ بله، تغییر کند
monthly-done-skip = ⏭ رد شد: در { $date } تعهدی ثبت نمی‌شود.
monthly-done-pause = ⏸ متوقف شد. هر وقت خواستید ادامه دهید.
monthly-done-resume = ▶️ ادامه یافت. سپاس!
monthly-done-stop = ⏹ مهربانی ماهانهٔ شما پایان یافت. برای همهٔ ماه‌هایی که کمک کردید سپاسگزاریم 🌱
monthly-done-amount = ✅ کمک ماهانهٔ شما اکنون { $amount } است.
monthly-done-place = ✅ کمک ماهانهٔ شما از این پس به { $scope } می‌رسد.
monthly-stale = این دکمه مال پیش از آخرین تغییر مهربانی ماهانهٔ شماست، پس کاری انجام نداد. وضعیت کنونی این است.

## Each month (sent by the bot on the day)
monthly-pledged-notice =
    💚 مهربانی ماهانه، { $date }: کمک { $amount } شما برای فوری‌ترین نیازِ جادار در { $scope } تعهد شد:
monthly-pledged-partial = این نیاز فقط { $amount } کم داشت؛ تعهد این ماه شما همین است و نیاز را کامل می‌کند.
monthly-nothing-notice =
    💚 مهربانی ماهانه، { $date }: فعلاً هیچ نیازی در { $scope } منتظر کمک نقدی نیست؛ پس این ماه تعهدی ثبت نشد و چیزی بدهکار نیستید.
    در { $next } دوباره نگاه می‌کنیم. می‌توانید خودتان هم نیازی را انتخاب کنید، یا مکان کمک ماهانه را تغییر دهید.

## Staff (/stats)
stats-monthly = مهربانی ماهانه: { $active } فعال، { $paused } متوقف؛ کمک‌های این ماه { $raised } جمع کرد ({ $paid } پرداخت‌شده)
