# رسید کمک (PDF) که خیّر نگه می‌دارد و ادارهٔ مالیات ممکن است بخواهد.
# هیچ چیز دربارهٔ خانوادهٔ دریافت‌کننده در آن نیست: فقط کد و دستهٔ نیاز.
donation-receipt-button = 🧾 رسید (PDF)
donation-receipt-pledge-button = 🧾 رسید (PDF) { $reference }
donation-receipt-caption = 🧾 رسید کمک شما برای تعهد { $reference }. آن را نگه دارید؛ هر وقت لازم شد، دوباره از «تعهدهای من» بگیرید.
donation-receipt-not-paid = رسید فقط برای تعهدی صادر می‌شود که پرداختش تأیید شده است. وضعیت این تعهد را در «تعهدهای من» ببینید.
donation-receipt-items = این تعهدِ کالاست و کالا تحویل داده می‌شود، پرداخت نمی‌شود؛ رسید پرداخت برای آن صادر نمی‌شود.

# متن خود رسید
donation-receipt-organization = سازمان بهزیستی کشور
donation-receipt-phone = تلفن: { $phone }
donation-receipt-title = رسید کمک نقدی
donation-receipt-subtitle = از طریق همدلی، بات کمک‌رسانی ادارهٔ بهزیستی
donation-receipt-label-reference = کد تعهد
donation-receipt-label-need = نیاز
donation-receipt-need = { $code } · { $category }
donation-receipt-label-amount = مبلغ
donation-receipt-amount = { $toman } تومان ({ $rials } ریال)
donation-receipt-label-paid-at = تاریخ و ساعت پرداخت
donation-receipt-when = { $date }، ساعت { $time }
donation-receipt-label-way = روش پرداخت
donation-receipt-way-chat = پرداخت درون گفتگو
donation-receipt-way-staff = واریز بانکی، تأییدشده به دست ادارهٔ بهزیستی
donation-receipt-label-charge = شناسهٔ تراکنش
donation-receipt-label-provider-charge = شناسهٔ تراکنش بانک
donation-receipt-label-tracking = شمارهٔ پیگیری بانکی
donation-receipt-tracking = { $tracking }
donation-receipt-no-tracking = ثبت نشده (تأیید ادارهٔ بهزیستی)
donation-receipt-privacy = برای حفظ حریم خانواده، نام و مشخصات خانوادهٔ دریافت‌کننده در این رسید نمی‌آید.
donation-receipt-issued = صادر شده در { $date }، ساعت { $time }

# پیام تشکر پس از پرداخت: کد تعهد، مبلغ، تاریخ و ساعت، شناسهٔ تراکنش.
donation-receipt-notice =
    💚 پرداخت شما برای تعهد { $reference } (نیاز { $code }) تأیید شد. سپاس از همدلی شما!
    مبلغ: { $amount }
    زمان پرداخت: { $date }، ساعت { $time }
    { $transaction }
donation-receipt-notice-charge = شناسهٔ تراکنش: { $charge }
donation-receipt-notice-tracking = شمارهٔ پیگیری بانکی: { $tracking }
donation-receipt-notice-no-tracking = تأیید: ادارهٔ بهزیستی
