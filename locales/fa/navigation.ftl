## همیشه راهی برای ادامه: راه تماس با اداره، قفل بررسی هویت، نام شهرها و سلام، راهنمای هر نقش.
## Placeholders must match locales/en/navigation.ftl.

office-call = ☎️ تلفن ادارهٔ بهزیستی: { $phone }
office-visit = می‌توانید حضوری هم به ادارهٔ بهزیستی شهرتان مراجعه کنید.

pledge-report-again-button = 🔁 پرداخت کرده‌ام: دوباره گزارش می‌دهم
pledge-report-again-no-room = تعهد { $reference } خودبه‌خود به کارکنان برنمی‌گردد، چون نیازش دیگر جای آن را ندارد. لطفاً با /support و شمارهٔ تعهد به پشتیبانی پیام دهید تا واریز شما را بررسی کنند.
status-nothing-new = از آخرین بار چیز تازه‌ای نیست.
reminders-verify-first = یادآوری کالابرگ برای خانوارهای تأییدشده است. لطفاً اول هویتتان را تأیید کنید: یک بار، با شمارهٔ تلفن خودتان و کد ملی سرپرست خانوار.
button-verify = 📋 تأیید هویت من

## /cancel: where it took the person
cancelled-donor = لغو شد. به منوی خیّر برگشتید.
cancelled-beneficiary = لغو شد. به منوی مددجو برگشتید.
cancelled-staff = لغو شد. به پنل کارکنان برگشتید.
cancelled-main = لغو شد. به منوی اصلی برگشتید.

## /help: each role sees its own commands
help-title = ❓ راهنمای همدلی
help-donor =
    برای خیّران:
    • /mypledges — تعهدهای من
    • /privacy — چه چیزی نگه می‌داریم و چه کسی می‌بیند؛ /forget — پاک کردن حسابم
    • کد یک نیاز (مثل H7K2QD) یا نام یک شهر را بنویسید تا باز شود
help-household =
    برای خانوارها:
    • /status — کالابرگ و درخواست‌های کمک من (بار اول، یک تأیید هویت کوتاه)
    • /sms — آیا این پیامک کالابرگ واقعی است؟
    • /forget — حذف تأیید هویتم از این ربات
help-everyone =
    برای همه:
    • /start یا /menu — منوی اصلی
    • /support — پیام به پشتیبانی
    • /language — تغییر زبان؛ /settings — اطلاعیه‌ها و شهر
    • /cancel — لغو کار فعلی و بازگشت به منوی خودتان
    • /help — همین راهنما
    هر جا گیر کردید، /menu را بفرستید.

## Text typed outside any flow
button-menu = ☰ منو
greeting-reply = سلام 🌱 به همدلی خوش آمدید. برای کمک به یک خانواده یا دیدن وضعیتتان، منو را باز کنید.
typed-place-province = نیازهای استان { $province }:
typed-place-nothing = در استان { $province } فعلاً نیاز بازی نیست. استان‌هایی که نیاز دارند:
pledge-amount-replaced = بعد از این، مبلغ تازه‌ای نوشتید: لطفاً تأیید آخر را که پایین‌تر است بزنید.
