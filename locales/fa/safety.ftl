## Safety first: the answer to a message that speaks of violence, abuse, threat or danger.
## Short and calm; one number per line, number first, so it can be read and dialled at a
## glance. Persian digits here: Telegram and Bale make no 3–4 digit service number
## tappable in any digit form (and Telegram refuses tel: buttons), so what matters is digits
## a Persian reader reads at once and finds on the keypad.
safety-answer =
    🆘 اگر شما یا کسی در خطر است، تنها نیستید.

    ☎️ ۱۲۳ — اورژانس اجتماعی (رایگان، شبانه‌روزی)
    🚓 ۱۱۰ — پلیس، اگر جان کسی در خطر است
    🚑 ۱۱۵ — اورژانس، اگر کسی آسیب دیده
    💬 ۱۴۸۰ — صدای مشاور بهزیستی

    ما پیام شما را نگه نمی‌داریم و برای کسی نمی‌فرستیم. اگر کسی گوشی شما را می‌بیند، می‌توانید این گفتگو را پاک کنید.
safety-continue-button = ▶️ ادامهٔ کار قبلی
safety-support-button = ✉️ نوشتن به پشتیبانی
safety-carry-on = هر وقت آماده بودید، از همان‌جا که بودید ادامه دهید: پرسش قبلی هنوز منتظر پاسخ شماست.
