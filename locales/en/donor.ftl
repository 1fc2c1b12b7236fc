## Donor screens. Amounts and counts arrive formatted ({ $amount } is a number of toman).

amount-toman = { $amount } toman
amount-items = { $count } × { $item }

donor-home =
    🤝 Donor menu
    See real needs of families, city by city, and help as much as you can. No family's name or address is ever shown to you.
button-browse = 🔎 Help a family
button-my-pledges = 📜 My pledges
button-privacy = 🔒 Privacy
button-back = ↩️ Back
button-change-city = 🏙 Change city
button-filter = 🗂 Categories
button-previous = ‹ Previous
button-next = Next ›

browse-provinces = Choose a province (the number is how many needs are open):
browse-nothing-open = 🌱 There are no open needs right now. Thank you for coming by; please check again soon.
browse-place-count = { $place } ({ $count })
browse-other-cities = Other cities of { $province } ({ $count })
browse-cities = { $province }: choose a city:
browse-page-header = 📍 { $place } — page { $page } of { $pages }
browse-categories = Categories of needs in { $place }:
category-all = All ({ $count })
category-chip = { $icon } { $name } ({ $count })
other-cities-of = other cities of { $province }

need-card-title = { $icon } { $category } · code { $code }
need-progress = { $bar } { $percent }
need-deadline = ⏳ Deadline: { $date } ({ $days ->
        [one] 1 day left
       *[other] { $days } days left
    })
need-deadline-today = ⏳ Deadline: today, { $date }
need-urgent = 🔴 Urgent
need-place = 📍 { $place }
need-not-found = No need has this code. Please check the code, or browse needs with "Help a family".
need-share = To share this need with friends, send this link: { $link }
