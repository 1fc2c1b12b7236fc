# Errors of bot/text parsers (InputError codes). Each message tells the user how to type it
# right, with an example between «» that the parser accepts (tests/test_text_normalize.py checks).

## Money (parse_money)
input-money-empty = لطفاً مبلغ را بنویسید؛ مثلاً «۲٬۵۰۰٬۰۰۰» یا «۲ میلیون تومان».
input-money-no-digits = لطفاً مبلغ را با عدد بنویسید؛ مثلاً «۵۰۰ هزار تومان» یا «۲٬۵۰۰٬۰۰۰».
input-money-words = لطفاً مبلغ را با رقم بنویسید، نه با حروف؛ مثلاً «۲ میلیون» یا «۵۰۰ هزار».
input-money-ambiguous = این عدد را می‌شود دو جور خواند. لطفاً مبلغ را کامل بنویسید؛ مثلاً «۲۵۰۰۰۰۰» یا «۲٬۵۰۰٬۰۰۰» یا «۲٫۵ میلیون».
input-money-not-positive = مبلغ باید بیشتر از صفر باشد؛ مثلاً «۵۰۰ هزار تومان».
input-money-fraction = لطفاً مبلغ را بدون اعشار بنویسید؛ مثلاً «۱۲٬۵۰۰ تومان».
input-money-too-large = این مبلغ خیلی بزرگ است؛ لطفاً صفرها را دوباره بشمارید. مثلاً «۲ میلیون تومان» یعنی «۲٬۰۰۰٬۰۰۰ تومان».
input-money-unknown-word = کلمهٔ «{ $word }» را متوجه نشدیم. مبلغ را فقط با عدد و «هزار»، «میلیون»، «تومان» یا «ریال» بنویسید؛ مثلاً «۵۰۰ هزار تومان».
input-money-format = این مبلغ را نتوانستیم بخوانیم. لطفاً این‌طور بنویسید: «۲٬۵۰۰٬۰۰۰» یا «۲ میلیون تومان» یا «۵۰۰ هزار ریال».

## National code (parse_national_code)
input-national-code-format = کد ملی را فقط با رقم بنویسید: ۱۰ رقم، مثل «۰۰۱۲۳۴۵۶۷۹».
input-national-code-length = کد ملی ۱۰ رقم دارد، ولی شما { $count } رقم نوشتید. لطفاً دوباره بنویسید؛ مثل «۰۰۱۲۳۴۵۶۷۹».
input-national-code-invalid = این کد ملی درست نیست. لطفاً رقم‌ها را با کارت ملی مقایسه کنید و دوباره بفرستید؛ ۱۰ رقم، مثل «۰۰۱۲۳۴۵۶۷۹».

## Mobile number (parse_mobile)
input-mobile-format = لطفاً شمارهٔ موبایل را این‌طور بنویسید: «۰۹۱۲۱۲۳۴۵۶۷» (۱۱ رقم که با ۰۹ شروع می‌شود).
input-mobile-not-iranian = فقط شمارهٔ موبایل ایران را می‌پذیریم؛ مثل «۰۹۱۲۱۲۳۴۵۶۷».
input-mobile-not-mobile = این شماره، شمارهٔ موبایل نیست. شمارهٔ موبایل با ۰۹ شروع می‌شود؛ مثل «۰۹۱۲۱۲۳۴۵۶۷».

## Dates (parse_date)
input-date-format = لطفاً تاریخ را با سال شروع کنید (اول سال، بعد ماه، بعد روز)؛ مثلاً «۱۴۰۴/۰۹/۳۰».
input-date-year = لطفاً سال را چهاررقمی و شمسی بنویسید؛ مثلاً «۱۴۰۴/۰۹/۳۰».
input-date-invalid = چنین روزی در تقویم نیست. لطفاً ماه و روز را دوباره نگاه کنید؛ مثلاً «۱۴۰۴/۰۹/۳۰».
