## Pledges: refusals a donor may see. Amounts arrive already formatted ({ $remaining }).

pledge-need-unavailable = این نیاز دیگر پذیرای کمک نیست؛ ممنون از لطف شما 🌱 نیازهای دیگر را ببینید.
pledge-amount-not-positive = مبلغ باید بیشتر از صفر باشد.
pledge-above-remaining = این مبلغ از باقی‌ماندهٔ نیاز بیشتر است. باقی‌مانده: { $remaining }
pledge-below-minimum = حداقل مبلغ تعهد { $minimum } است.
pledge-lost-race = همین حالا خیّر دیگری برای این نیاز تعهد داد. باقی‌مانده: { $remaining }
pledge-not-found = این تعهد پیدا نشد.
pledge-not-cancellable = این تعهد دیگر قابل لغو نیست.
pledge-not-awaiting-payment = این تعهد در انتظار پرداخت نیست.

## The pledge flow
pledge-ask-amount =
    🤝 کمک به نیاز { $code }
    باقی‌مانده: { $remaining }
    یکی از مبلغ‌ها را انتخاب کنید یا مبلغ دلخواه را به تومان بنویسید (مثلاً ۲۵۰۰۰۰ یا ۲ میلیون).
pledge-ask-quantity =
    🤝 کمک به نیاز { $code }
    چند عدد { $item } تهیه می‌کنید؟ باقی‌مانده: { $remaining }
pledge-whole-remaining = همهٔ باقی‌مانده ({ $amount })
pledge-not-understood = این را به‌عنوان مبلغ نفهمیدم. لطفاً مبلغ را با رقم بنویسید، مثل ۲۵۰۰۰۰ یا ۲ میلیون، یا یکی از دکمه‌ها را بزنید.
pledge-quantity-not-understood = لطفاً تعداد را با رقم بنویسید (از ۱ تا { $remaining }).
pledge-confirm =
    لطفاً تأیید کنید:
    نیاز: { $code }
    مبلغ تعهد: { $amount }
    پس از تأیید، { $hours } ساعت برای پرداخت فرصت دارید و این سهم برای شما کنار گذاشته می‌شود.
pledge-confirm-button = ✅ تأیید تعهد
pledge-cancel-button = ✖️ منصرف شدم
pledge-done =
    🙏 سپاس! تعهد شما ثبت شد.
    کد تعهد: { $reference }
    مبلغ: { $amount }
pledge-pay-money =
    لطفاً تا { $hours } ساعت آینده واریز کنید و کد تعهد { $reference } را در توضیحات واریز بنویسید.
    { $instructions }
pledge-pay-card = کارت: { $card }
pledge-pay-sheba = شبا: { $sheba }
pledge-pay-portal = درگاه پرداخت: { $url }
pledge-pay-items =
    لطفاً اقلام را تا { $hours } ساعت آینده تحویل دهید و کد تعهد { $reference } را همراه داشته باشید.
    { $instructions }
pledge-dropoff = نشانی تحویل: { $address }
pledge-no-instructions = راه پرداخت را کارکنان بهزیستی به شما اطلاع می‌دهند.
pledge-paid-button = 💳 پرداخت کردم
pledge-reported = ممنون 🙏 کارکنان پرداخت را بررسی و تأیید می‌کنند و نتیجه را به شما خبر می‌دهیم.

## My pledges
my-pledges-empty = هنوز تعهدی ثبت نکرده‌اید. از «کمک به یک خانواده» شروع کنید.
my-pledges-header = 📜 تعهدهای شما — صفحهٔ { $page } از { $pages }
my-pledge-line = { $reference } · نیاز { $code } · { $amount } · { $status } · { $date }
pledge-status-awaiting_payment = در انتظار پرداخت
pledge-status-payment_reported = پرداخت اعلام شد
pledge-status-paid = پرداخت شد
pledge-status-rejected = رد شد
pledge-status-delivered = به خانواده رسید
pledge-status-expired = منقضی شد
pledge-status-cancelled = لغو شد
my-pledge-cancel-button = ✖️ لغو { $reference }
my-pledge-paid-button = 💳 پرداخت کردم { $reference }
pledge-cancel-ask = آیا تعهد { $reference } ({ $amount }) لغو شود؟ این سهم به نیاز برمی‌گردد.
pledge-cancel-yes = بله، لغو شود
pledge-cancelled = تعهد { $reference } لغو شد.

## Privacy
privacy =
    🔒 حریم خصوصی در همدلی
    • از خیّران فقط شناسهٔ حساب پیام‌رسان، زبان و تعهدهایشان را نگه می‌داریم؛ نام و شماره تلفن شما را ذخیره نمی‌کنیم.
    • از مددجویان، کارکنان بهزیستی فقط آنچه برای رساندن کمک لازم است نگه می‌دارند. نام، کد ملی، تلفن و نشانی خانواده‌ها هرگز به خیّران نشان داده نمی‌شود و شهرهای کوچک نام برده نمی‌شوند.
    • فقط کارکنان مجاز بهزیستی اطلاعات خانواده‌ها را می‌بینند و هر بار مشاهده ثبت می‌شود.
    • برای پاک کردن حسابتان /forget را بفرستید (یا دکمهٔ زیر را بزنید): زبان و تنظیمات شما پاک می‌شود و تعهدهایتان برای حساب‌های بهزیستی با یک شمارهٔ خیّر، بی نام و بی حساب شما، می‌ماند. تعهدهای پرداخت‌نشده را از «تعهدهای من» هم می‌توانید لغو کنید.

## The pledge clock
pledge-reminder = ⏰ یادآوری: تعهد { $reference } ({ $amount }) برای نیاز { $code } هنوز پرداخت نشده است. حدود { $hours } ساعت فرصت باقی است. اگر پرداخت کرده‌اید، در «تعهدهای من» دکمهٔ «پرداخت کردم» را بزنید.
pledge-expired-notice = تعهد { $reference } ({ $amount }) برای نیاز { $code } چون پرداخت نشد منقضی شد و سهم آن به نیاز برگشت. هر وقت خواستید می‌توانید دوباره کمک کنید 🌱
pledge-need-closed-notice = نیاز { $code } را ادارهٔ بهزیستی بست؛ بنابراین تعهد { $reference } ({ $amount }) لغو شد. لطفاً آن را پرداخت نکنید. از مهربانی شما سپاسگزاریم؛ خانواده‌های دیگری هنوز چشم‌انتظار کمک‌اند 🌱
pledge-need-closed-paid-notice = نیاز { $code } را ادارهٔ بهزیستی بست. پرداخت شما برای تعهد { $reference } ({ $amount }) ثبت شده و محفوظ است و اداره دربارهٔ آن با شما هماهنگ می‌کند. پرسش: /support
pledge-paid-notice = 💚 پرداخت شما برای تعهد { $reference } ({ $amount }، نیاز { $code }) تأیید شد. سپاس از همدلی شما!
need-delivered-notice = 🎉 کمکی که برای نیاز { $code } دادید ({ $amount }، تعهد { $reference }) به دست خانواده رسید. از طرف آن‌ها سپاسگزاریم.
pledge-receipt-ask = اگر مایلید، عکس رسید واریز تعهد { $reference } را همین‌جا بفرستید تا بررسی سریع‌تر شود (اختیاری).
pledge-receipt-skip = رسید ندارم / بعداً
pledge-receipt-saved = رسید شما دریافت شد 🙏 کارکنان آن را بررسی می‌کنند.
pledge-receipt-expected = لطفاً عکس رسید را بفرستید، یا دکمهٔ «رسید ندارم» را بزنید.
