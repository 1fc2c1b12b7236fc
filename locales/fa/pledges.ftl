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
    پس از تأیید، این سهم تا { $date }، ساعت { $time } برای پرداخت شما کنار گذاشته می‌شود.
pledge-confirm-button = ✅ تأیید تعهد
pledge-cancel-button = ✖️ منصرف شدم
pledge-done =
    🙏 سپاس! تعهد شما ثبت شد.
    کد تعهد: { $reference }
    مبلغ: { $amount }
pledge-pay-money =
    لطفاً تا { $date }، ساعت { $time } واریز کنید.

    { $instructions }
pledge-pay-card =
    💳 کارت به کارت — شمارهٔ کارت:
    { $card }
pledge-pay-sheba =
    🏦 واریز بانکی — شمارهٔ شبا:
    { $sheba }
pledge-pay-portal = 🌐 درگاه پرداخت: { $url } (کد تعهد { $reference })
pledge-pay-items =
    لطفاً اقلام را تا { $date }، ساعت { $time } تحویل دهید و کد تعهد { $reference } را همراه داشته باشید.
    { $instructions }
pledge-dropoff = نشانی تحویل: { $address }
pledge-no-way-to-pay = هنوز راه پرداخت یا تحویلی در ربات تنظیم نشده است. دکمهٔ «گفتگو با پشتیبانی» را در پایین بزنید و به ادارهٔ بهزیستی پیام بدهید تا راهش را به شما بگویند.
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
pledge-reminder = ⏰ یادآوری: تعهد { $reference } ({ $amount }) برای نیاز { $code } هنوز پرداخت نشده است. این سهم تا { $date }، ساعت { $time } برای شما کنار گذاشته شده است. اگر پرداخت کرده‌اید، در «تعهدهای من» دکمهٔ «پرداخت کردم» را بزنید.
pledge-expired-notice = تعهد { $reference } ({ $amount }) برای نیاز { $code } چون پرداخت نشد منقضی شد و سهم آن به نیاز برگشت. هر وقت خواستید می‌توانید دوباره کمک کنید 🌱
pledge-need-closed-notice = نیاز { $code } را ادارهٔ بهزیستی بست؛ بنابراین تعهد { $reference } ({ $amount }) لغو شد. لطفاً آن را پرداخت نکنید. از مهربانی شما سپاسگزاریم؛ خانواده‌های دیگری هنوز چشم‌انتظار کمک‌اند 🌱
pledge-need-closed-paid-notice = نیاز { $code } را ادارهٔ بهزیستی بست. پرداخت شما برای تعهد { $reference } ({ $amount }) ثبت شده و محفوظ است و اداره دربارهٔ آن با شما هماهنگ می‌کند. پرسش: /support
need-delivered-notice = 🎉 کمکی که برای نیاز { $code } دادید ({ $amount }، تعهد { $reference }) به دست خانواده رسید. از طرف آن‌ها سپاسگزاریم.
pledge-receipt-ask = لطفاً شمارهٔ پیگیری بانکی واریز تعهد { $reference } را (فقط رقم) بنویسید، یا عکس یا فایل PDF رسید را بفرستید. کارکنان واریز شما را با همین پیدا می‌کنند.
pledge-receipt-skip = رسید ندارم / بعداً
pledge-receipt-saved = رسید تعهد { $reference } دریافت شد 🙏 کارکنان آن را بررسی می‌کنند.
pledge-receipt-expected = لطفاً شمارهٔ پیگیری بانکی را (با رقم) بنویسید، یا عکس یا فایل PDF رسید را بفرستید، یا دکمهٔ «رسید ندارم» را بزنید.

## The manual paths: card to card, Sheba, receipts any time, goods
pledge-pay-holder = به نام: { $holder }
pledge-pay-bank = بانک: { $bank }
pledge-pay-card-after = کارت به کارت جای توضیحات ندارد: پس از واریز، دکمهٔ «پرداخت کردم» را بزنید و شمارهٔ پیگیری بانکی یا عکس رسید را بفرستید.
pledge-pay-sheba-description = کد تعهد { $reference } را در توضیحات واریز بنویسید.
pledge-office-phone = تلفن اداره: { $phone }
pledge-confirm-items =
    لطفاً تأیید کنید:
    نیاز: { $code }
    آنچه می‌آورید: { $amount }
    پس از تأیید، این سهم تا { $date }، ساعت { $time } برای آوردن اقلام به نام شما کنار گذاشته می‌شود.
pledge-delivered-button = 📦 تحویل دادم
pledge-delivery-reported = ممنون 🙏 کارکنان رسیدن اقلام را بررسی و تأیید می‌کنند و نتیجه را به شما خبر می‌دهیم.
my-pledge-delivered-button = 📦 تحویل دادم { $reference }
my-pledge-receipt-button = 📎 فرستادن رسید { $reference }
pledge-status-items-awaiting_payment = در انتظار تحویل
pledge-status-items-payment_reported = تحویل اعلام شد
pledge-status-items-paid = دریافت شد
receipt-tracking-invalid = شمارهٔ پیگیری بانکی ۶ تا ۲۰ رقم است. لطفاً فقط رقم‌هایش را بنویسید، یا عکس یا فایل PDF رسید را بفرستید.
receipt-pledge-ended = تعهد { $reference } دیگر باز نیست (منقضی یا لغو شده)، پس رسیدی به آن پیوست نمی‌شود. اگر برای آن واریز کرده‌اید، لطفاً با پشتیبانی تماس بگیرید.
receipt-which-pledge = 📎 این رسید برای کدام تعهد است؟
receipt-choice-button = { $reference } · { $amount }
pledge-reminder-items = ⏰ یادآوری: اقلام تعهد { $reference } ({ $amount }) برای نیاز { $code } هنوز تحویل نشده است. این سهم تا { $date }، ساعت { $time } برای شما کنار گذاشته شده است. اگر آورده‌اید، در «تعهدهای من» دکمهٔ «تحویل دادم» را بزنید.
pledge-expired-notice-items = تعهد { $reference } ({ $amount }) برای نیاز { $code } پیش از آوردن اقلام منقضی شد و سهم آن به نیاز برگشت. هر وقت خواستید می‌توانید دوباره کمک کنید 🌱
pledge-need-closed-notice-items = نیاز { $code } را ادارهٔ بهزیستی بست؛ بنابراین تعهد { $reference } ({ $amount }) لغو شد. لطفاً اقلام را نیاورید. از مهربانی شما سپاسگزاریم؛ خانواده‌های دیگری هنوز چشم‌انتظار کمک‌اند 🌱
pledge-paid-notice-items = 💚 ادارهٔ بهزیستی اقلام تعهد { $reference } ({ $amount }، نیاز { $code }) را دریافت کرد. سپاس از همدلی شما!
pledge-need-delivered-unpaid-notice-items = کمک نیاز { $code } پیش‌تر به خانواده رسیده است؛ بنابراین تعهد { $reference } ({ $amount }) لغو شد. لطفاً اقلام را نیاورید. از مهربانی شما سپاسگزاریم؛ خانواده‌های دیگری هنوز چشم‌انتظار کمک‌اند 🌱
pledge-pay-in-chat = 💳 پرداخت در همین گفتگو: دکمهٔ «پرداخت همین حالا» را در پایین بزنید و با هر کارت بانکی پرداخت کنید.
pledge-old-confirm-cancelled = این دکمه مال تعهد { $reference } است که لغو شده است؛ دوباره ثبت نشد. برای کمک دوباره، نیاز را باز کنید و تعهد تازه‌ای بدهید.
pledge-old-confirm-expired = این دکمه مال تعهد { $reference } است که مهلتش گذشته است؛ دوباره ثبت نشد. برای کمک دوباره، نیاز را باز کنید و تعهد تازه‌ای بدهید.
pledge-old-confirm-done = این دکمه مال تعهد { $reference } است که انجام شده است. سپاس! وضعیتش در «تعهدهای من» است.
pledge-old-confirm-rejected = این دکمه مال تعهد { $reference } است که پرداختش تأیید نشد. وضعیتش در «تعهدهای من» است.
