## افزودن و ویرایش نیازها توسط کارکنان (bot/handlers/staff_needs.py).
## Message ids and placeholders must match locales/en/staff_needs.ftl; tests/test_locales.py checks it.

staff-new-need-button = ➕ نیاز تازه
need-edit-usage = کد نیاز را بعد از دستور بنویسید، مثل /editneed H7K2QD.

## Questions, one value at a time
need-form-ask-province = 📍 نیاز در کدام استان است؟
need-form-ask-city = 📍 کدام شهرِ { $province }؟
need-form-ask-category = 🗂 چه نوع کمکی لازم است؟
need-form-ask-kind = کمک نقدی است یا کالا؟
need-form-ask-amount = 💰 چه مبلغی لازم است (به تومان)؟ مثلاً «۲۵٬۰۰۰٬۰۰۰» یا «۲٫۵ میلیون».
need-form-ask-item = 📦 چه کالایی لازم است؟ مثلاً «یخچال» یا «کیف مدرسه».
need-form-ask-quantity = چند عدد { $item } لازم است؟ یک عدد صحیح بنویسید، مثل ۳.
need-form-ask-description = ✍️ شرح نیاز را به فارسی بنویسید، همان‌طور که خیّران می‌خوانند. هرگز نام، شمارهٔ تلفن، کد ملی یا نشانی ننویسید.
need-form-ask-description-en = ✍️ شرح نیاز را برای خیّران انگلیسی‌زبان به انگلیسی بنویسید (اختیاری). هرگز نام، شمارهٔ تلفن، کد ملی یا نشانی ننویسید.
need-form-ask-deadline = ⏳ کمک تا چه تاریخی لازم است؟ تاریخ را مثل { $example } (یا { $iso }) بنویسید.
need-form-ask-national-code = 🔒 کد ملی سرپرست خانوار (اختیاری؛ فقط کارکنان آن را می‌بینند و نیاز را به خانوار وصل می‌کند).
need-form-ask-urgent = فوری است؟ نیازهای فوری اول به خیّران نشان داده می‌شوند.

## Buttons
need-form-category-button = { $icon } { $name }
need-form-kind-money = 💰 نقدی (تومان)
need-form-kind-items = 📦 کالا
need-form-urgent-yes = 🔴 فوری
need-form-urgent-no = عادی
need-form-skip = ⏭ رد شدن
need-form-no-deadline = بدون مهلت
need-form-no-english = بدون شرح انگلیسی
need-form-back-to-provinces = ↩️ استان‌های دیگر
need-form-cancel-button = ✖️ لغو
need-form-publish-button = 📢 انتشار
need-form-draft-button = 📝 ذخیره به‌صورت پیش‌نویس
need-form-save-button = 💾 ذخیرهٔ تغییرات
need-staff-publish-button = 📢 انتشار این پیش‌نویس
need-field-place = ✏️ محل
need-field-category = ✏️ دسته‌بندی
need-field-goal = ✏️ مبلغ یا کالا
need-field-description = ✏️ شرح
need-field-description_en = ✏️ شرح انگلیسی
need-field-deadline = ✏️ مهلت
need-field-national_code = ✏️ کد ملی
need-field-urgent = ✏️ فوریت

## Preview and the staff view of a need
need-form-preview-title = 👀 پیش‌نمایش: خیّران این کارت را می‌بینند.
need-form-edit-preview-title = 👀 نیاز { $code } با تغییرات شما (هنوز ذخیره نشده):
need-staff-view-title = 🛠 نیاز { $code }: چه چیزی را تغییر می‌دهید؟
need-staff-private-title = 🔒 فقط کارکنان این‌ها را می‌بینند:
need-staff-status = وضعیت: { $status }
need-staff-not-saved = وضعیت: هنوز ذخیره نشده
need-staff-place = محل: { $city }، { $province }
need-staff-national-code = کد ملی سرپرست خانوار: { $code }
need-staff-no-national-code = کد ملی سرپرست خانوار: ثبت نشده
need-staff-english = شرح انگلیسی: { $text }
need-staff-commands = برای بستن: /close { $code } دلیل · وقتی کمک رسید: /delivered { $code }

## Outcomes
need-form-published = ✅ نیاز { $code } منتشر شد و خیّران اکنون آن را می‌بینند.
need-form-drafted = 📝 نیاز { $code } به‌صورت پیش‌نویس ذخیره شد؛ تا منتشر نشود خیّران آن را نمی‌بینند.
need-form-saved = ✅ تغییرات نیاز { $code } ذخیره شد.
need-form-draft-published = ✅ نیاز { $code } منتشر شد و خیّران اکنون آن را می‌بینند.
need-form-cancelled = لغو شد؛ چیزی ذخیره نشد.

## Answers that cannot be used (the question follows again)
need-form-use-buttons = لطفاً با دکمه‌های زیر انتخاب کنید.
need-form-type-text = لطفاً پاسخ را به‌صورت پیام متنی بنویسید.
need-form-item-empty = لطفاً بنویسید چه کالایی لازم است؛ مثلاً «یخچال».
need-form-quantity = لطفاً یک عدد صحیح از ۱ تا { $limit } بنویسید؛ مثلاً ۳.
need-form-description-empty = لطفاً شرح را به‌صورت متن بنویسید.
need-form-too-long = این متن { $count } نویسه دارد؛ حداکثر { $limit } نویسه جا می‌شود. لطفاً کوتاه‌ترش کنید.
need-form-control-characters = در متن یک نویسهٔ کنترلی نامرئی هست؛ لطفاً دوباره تایپش کنید.
need-form-personal-data = در این متن عددی هست که شبیه کد ملی یا شمارهٔ تلفن است. اطلاعات شخصی هرگز نباید به خیّران برسد؛ لطفاً متن را بدون آن دوباره بنویسید (تاریخ را مثل ۱۴۰۴/۰۹/۳۰ و مبلغ را مثل ۲٬۵۰۰٬۰۰۰ بنویسید).
need-form-deadline-past = { $date } در آینده نیست؛ مهلت باید روزی بعد از امروز باشد.
need-form-kind-has-pledges = خیّران برای این نیاز تعهد داده‌اند، پس نوع آن (نقدی یا کالا) دیگر عوض نمی‌شود.
need-form-below-pledged-money = خیّران تاکنون { $toman } تومان تعهد داده‌اند؛ مبلغ نمی‌تواند کمتر از این باشد.
need-form-below-pledged-items = خیّران تاکنون { $count } عدد تعهد داده‌اند؛ تعداد نمی‌تواند کمتر از این باشد.
need-form-place-unknown = این شهر در آن استان نیست؛ لطفاً محل را دوباره انتخاب کنید.
need-form-changed-meanwhile = این نیاز در حین ویرایش شما تغییر کرد؛ لطفاً آن را دوباره با /editneed باز کنید.
need-form-not-draft = نیاز { $code } پیش‌نویس نیست و چیزی برای انتشار ندارد.
