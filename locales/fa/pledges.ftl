## Pledges: refusals a donor may see. Amounts arrive already formatted ({ $remaining }).

pledge-need-unavailable = این نیاز دیگر پذیرای کمک نیست؛ ممنون از لطف شما 🌱 نیازهای دیگر را ببینید.
pledge-amount-not-positive = مبلغ باید بیشتر از صفر باشد.
pledge-above-remaining = این مبلغ از باقی‌ماندهٔ نیاز بیشتر است. باقی‌مانده: { $remaining }
pledge-below-minimum = حداقل مبلغ تعهد { $minimum } است.
pledge-lost-race = همین حالا خیّر دیگری برای این نیاز تعهد داد. باقی‌مانده: { $remaining }
pledge-not-found = این تعهد پیدا نشد.
pledge-not-cancellable = این تعهد دیگر قابل لغو نیست.
pledge-not-awaiting-payment = این تعهد در انتظار پرداخت نیست.
