## Donor screens. Amounts and counts arrive formatted ({ $amount } is a number of toman).

amount-toman = { $amount } تومان
amount-items = { $count } عدد { $item }

donor-home =
    🤝 منوی خیّر
    نیازهای واقعی خانواده‌ها را شهر به شهر ببینید و هر قدر که می‌توانید کمک کنید. نام و نشانی هیچ خانواده‌ای به شما نشان داده نمی‌شود.
button-browse = 🔎 کمک به یک خانواده
button-my-pledges = 📜 تعهدهای من
button-privacy = 🔒 حریم خصوصی
button-back = ↩️ بازگشت
button-change-city = 🏙 تغییر شهر
button-filter = 🗂 دسته‌بندی
button-previous = → قبلی
button-next = بعدی ←

browse-provinces = استان را انتخاب کنید (عدد، تعداد نیازهای باز است):
browse-nothing-open = 🌱 فعلاً نیاز بازی نیست. ممنون که سر زدید؛ به‌زودی دوباره ببینید.
browse-place-count = { $place } ({ $count })
browse-other-cities = سایر شهرهای { $province } ({ $count })
browse-cities = { $province }: شهر را انتخاب کنید:
browse-page-header = 📍 { $place } — صفحهٔ { $page } از { $pages }
browse-categories = دسته‌بندی نیازهای { $place }:
category-all = همه ({ $count })
category-chip = { $icon } { $name } ({ $count })
other-cities-of = سایر شهرهای { $province }

need-card-title = { $icon } { $category } · کد { $code }
need-progress = { $bar } { $percent }
need-deadline = ⏳ مهلت: { $date } ({ $days } روز مانده)
need-deadline-today = ⏳ مهلت: امروز، { $date }
need-urgent = 🔴 فوری
need-place = 📍 { $place }
need-not-found = نیازی با این کد پیدا نشد. کد را دوباره بررسی کنید یا از «کمک به یک خانواده» نیازها را ببینید.
need-share = برای معرفی این نیاز به دوستان، این پیوند را بفرستید: { $link }
