## Hamdeli — Persian (the default language).
## Placeholders ({ $name }) must match locales/en/main.ftl; tests/test_locales.py checks it.

language-self-name = فارسی

## Entry: /start
welcome =
    سلام! به «همدلی» خوش آمدید 🌱
    اینجا خیّران نیازهای واقعی خانواده‌ها را شهر به شهر می‌بینند و کمک می‌کنند، بی‌آنکه نام کسی فاش شود.
    مددجویان هم وضعیت کالابرگ و درخواست کمک خود را می‌بینند.
welcome-choose = چه کاری از ما برمی‌آید؟
role-donor-button = 🤝 می‌خواهم کمک کنم
role-beneficiary-button = 📋 بررسی وضعیت من
role-staff-button = 🛠 پنل کارکنان
choose-role-hint = لطفاً یکی از گزینه‌های زیر را انتخاب کنید.

## Role menus
beneficiary-home =
    📋 منوی مددجو
    وضعیت کالابرگ و درخواست‌های کمک خانوار خود را ببینید. بار اول، با شمارهٔ تلفن خودتان و کد ملی سرپرست خانوار هویتتان را تأیید می‌کنیم.

button-my-status = 📋 وضعیت من

staff-home =
    🛠 پنل کارکنان
    نقش شما: { $role }
staff-role-admin = مدیر
staff-role-staff = کارمند
staff-only = این بخش فقط برای کارکنان بهزیستی است.

## Buttons shared by every menu
button-language = 🌐 زبان / Language
button-help = ❓ راهنما
button-main-menu = 🏠 منوی اصلی

## /language
language-choose = زبان را انتخاب کنید:
language-changed = زبان ربات: فارسی ✅

## Things the bot did not understand
unknown-text = متوجه نشدم 🙏 می‌توانید کد یک نیاز یا نام یک شهر را بنویسید، یا منو را باز کنید.
unknown-media = فعلاً فقط دکمه‌ها و پیام متنی را می‌فهمم. از منوی زیر ادامه دهید.
button-expired = ⌛ این دکمه دیگر معتبر نیست. از منوی تازه استفاده کنید.
error-generic = متأسفیم، مشکلی پیش آمد و کار شما انجام نشد 🙏 لطفاً دوباره تلاش کنید یا /menu را بفرستید.

## Commands shown in the client's command list
command-start = شروع و منوی اصلی
command-menu = منوی اصلی
command-help = راهنما
command-mypledges = تعهدهای من
command-settings = تنظیمات: اطلاعیه‌ها، شهر
command-privacy = حریم خصوصی
command-language = تغییر زبان
command-cancel = لغو کار فعلی


## Contact support
button-support = 📞 گفتگو با پشتیبانی
support-ask = پیام خود را برای پشتیبانی بنویسید. حساب شما به کارکنان نشان داده نمی‌شود؛ فقط شمارهٔ تیکت.
support-sent = پیام شما با شمارهٔ تیکت { $ticket } برای پشتیبانی فرستاده شد. پاسخ همین‌جا می‌آید.
support-unavailable = پشتیبانی در این ربات فعلاً در دسترس نیست.
support-text-expected = لطفاً پیام خود را به‌صورت نوشته بفرستید.
support-ticket = 🎫 تیکت { $ticket } ({ $persona }):
    { $text }
    — برای پاسخ، به همین پیام «ریپلای» کنید.
support-persona-donor = خیّر
support-persona-beneficiary = مددجو
support-persona-new = کاربر تازه
support-reply = 💬 پاسخ پشتیبانی (تیکت { $ticket }):
    { $text }

# Items one after another (days of a shopping schedule): the list so far, then one more.
list-more = { $list }، { $item }
