## Monthly kindness: a standing gift each Jalali month. Amounts arrive formatted
## ({ $amount } is "500,000 toman"), dates as Jalali dates, days as numbers.

monthly-button = 💚 Monthly kindness
monthly-give-monthly-button = 💚 Give every month
monthly-intro =
    💚 Monthly kindness
    Give a small amount every month, on a day you choose. On that day the bot pledges it to the most urgent need with room in the city or province you choose, and sends you the way to pay, as when you pledge by hand. You can skip a month, pause, change or stop at any time.
monthly-setup-button = 💚 Set up monthly kindness

## Setting it up
monthly-ask-amount =
    💚 How much each month?
    Choose an amount, or type any amount in toman (for example 300000 or 1 million). From { $minimum } to { $maximum }.
monthly-ask-new-amount =
    ✏️ Your monthly gift is { $amount } now. What should it be?
    Choose an amount, or type any amount in toman. From { $minimum } to { $maximum }.
monthly-amount-too-small = A monthly gift is at least { $minimum }. Please choose or type a larger amount.
monthly-amount-too-large = A monthly gift is at most { $maximum }. Please choose or type a smaller amount.
monthly-amount-hint = Please type the monthly amount with digits (like 300000 or 1 million), or press one of the buttons.
monthly-ask-province = 📍 Which province should your monthly gift help? (the number is how many needs are open)
monthly-ask-city =
    📍 { $province }: the whole province, or one city?
    Small towns are not listed, to protect families' privacy; "the whole province" includes them.
monthly-whole-province = All of { $province } ({ $count })
monthly-ask-category = 🗂 Any kind of need, or one kind? ({ $place })
monthly-any-category = Any kind of need
monthly-ask-day = 📅 Which day of each Jalali month? (1 to 28, so it exists in every month)
monthly-confirm =
    💚 Please confirm your monthly kindness:
    Each month: { $amount }
    For: { $scope }
    On day { $day } of each Jalali month
    First gift: { $first }
    On that day the bot pledges it to the most urgent need there with room and sends you the way to pay. Nothing is taken from your account by itself.
monthly-start-button = ✅ Start monthly kindness
monthly-cancel-button = ✖️ Never mind
monthly-started = 💚 Your monthly kindness has started. Thank you!
monthly-already = You already have a monthly kindness; here it is.

## Places in words
monthly-scope-city = { $city } ({ $province })
monthly-scope-province = all of { $province } province
monthly-scope-category = { $place }, { $category } needs
monthly-scope-any = { $place }, any kind of need

## The standing gift
monthly-summary =
    💚 Your monthly kindness
    Each month: { $amount }
    For: { $scope }
    On day { $day } of each Jalali month
    Status: { $status }
monthly-next = Next gift: { $date }
monthly-status-active = active
monthly-status-paused = paused ⏸
monthly-skip-button = ⏭ Skip { $date }
monthly-pause-button = ⏸ Pause
monthly-resume-button = ▶️ Resume
monthly-amount-button = ✏️ Change amount
monthly-place-button = 📍 Change place
monthly-stop-button = ⏹ Stop

## Each change asks first
monthly-ask-skip = Skip the gift of { $date }? Nothing is pledged that month; the next gift is on { $next }.
monthly-ask-pause = Pause your monthly kindness? No gift is made until you resume it.
monthly-ask-resume = Resume your monthly kindness? The next gift is on { $date }.
monthly-ask-stop = Stop your monthly kindness? No more gifts are made. Pledges already made stay as they are in "My pledges".
monthly-confirm-amount = Change your monthly gift from { $old } to { $amount }? It counts from the next gift.
monthly-confirm-place = Give from now on to: { $scope }? (until now: { $old })
monthly-yes-skip = ⏭ Yes, skip it
monthly-yes-pause = ⏸ Yes, pause
monthly-yes-resume = ▶️ Yes, resume
monthly-yes-stop = ⏹ Yes, stop
monthly-yes-change = ✅ Yes, change it
monthly-done-skip = ⏭ Skipped: nothing is pledged on { $date }.
monthly-done-pause = ⏸ Paused. Resume whenever you like.
monthly-done-resume = ▶️ Resumed. Thank you!
monthly-done-stop = ⏹ Your monthly kindness is stopped. Thank you for every month you gave 🌱
monthly-done-amount = ✅ Your monthly gift is now { $amount }.
monthly-done-place = ✅ Your monthly gift now goes to { $scope }.
monthly-stale = This button is from before your monthly kindness last changed, so it did nothing. Here is how it stands now.

## Each month (sent by the bot on the day)
monthly-pledged-notice =
    💚 Monthly kindness, { $date }: your gift of { $amount } is pledged to the most urgent need with room in { $scope }:
monthly-pledged-partial = This need lacked only { $amount }, so that is your pledge this month; it finishes the need.
monthly-nothing-notice =
    💚 Monthly kindness, { $date }: right now no need in { $scope } is waiting for money, so nothing was pledged this month and you owe nothing.
    We will look again on { $next }. You can also choose a need yourself, or change the place of your monthly gift.

## Staff (/stats)
stats-monthly = Monthly kindness: { $active } active, { $paused } paused; this month's gifts raised { $raised } ({ $paid } paid)
