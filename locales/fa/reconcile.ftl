# تطبیق پرداخت در بله (inquireTransaction): پیش‌پرداخت تأیید شد، ولی پرداختی نرسید و بله هم
# با چند بار پرسیدن نگفت که پرداخت شده است.
reconcile-given-up-staff =
    ⚠️ پرداختی تأیید نشد: تعهد { $reference }، { $amount }.
    { $inquiries } بار از بله دربارهٔ تراکنش { $transaction } پرسیده شد (آخرین پاسخ: { $answer }). لطفاً صورت‌حساب را بررسی کنید و سپس تعهد را تأیید یا رد کنید.
audit-action-payment_inquiry_given_up = پرداخت با بله تأیید نشد
reconcile-answer-paid = پرداخت شده
reconcile-answer-pending = هنوز در جریان
reconcile-answer-failed = ناموفق
reconcile-answer-rejected = ردشده
reconcile-answer-unknown = تراکنش برای بله ناشناخته است
reconcile-answer-error = بله پاسخی نداد
