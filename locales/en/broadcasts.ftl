## Broadcasts: staff announce something to everyone, one role, one province or one city.
## Placeholders must match locales/fa/broadcasts.ftl; tests/test_locales.py checks it.

broadcast-header = 📢 Announcement from Hamdeli
broadcast-stop-button = 🔕 Stop announcements
staff-broadcast-button = 📢 New announcement

broadcast-ask-text =
    📢 New announcement
    Send the text of the announcement (up to { $text_limit } characters), or one photo with a caption (up to { $caption_limit } characters).
    /cancel stops here.
broadcast-text-needed = Please send the announcement as text, or as one photo with a caption.
broadcast-photo-needs-caption = The photo is kept. Now send the text to go with it (up to { $caption_limit } characters).
broadcast-too-long = This announcement is { $length } characters; the limit is { $limit }. Please shorten it and send it again.
broadcast-ask-audience = Who should receive it?
broadcast-audience-everyone = 👥 Everyone
broadcast-audience-donors = 🤝 Donors
broadcast-audience-beneficiaries = 📋 Beneficiaries
broadcast-audience-staff = 🛠 Staff
broadcast-audience-province = 🗺 One province
broadcast-audience-city = 🏙 One city
broadcast-audience-everyone-named = everyone
broadcast-audience-donors-named = donors
broadcast-audience-beneficiaries-named = beneficiaries
broadcast-audience-staff-named = staff
broadcast-audience-province-named = people in { $place } province
broadcast-audience-city-named = people in { $place }
broadcast-ask-province = Which province?
broadcast-ask-city = Which city?
broadcast-preview-title = 👇 This is exactly what recipients will see:
broadcast-confirm =
    Audience: { $audience }
    { $count ->
        [0] Nobody in this audience can receive announcements now. Choose another audience.
        [one] It will go to 1 person.
       *[other] It will go to { $count } people.
    }
broadcast-send-button = ✅ Send to { $count }
broadcast-change-audience-button = ✏️ Change audience
broadcast-cancel-compose-button = ✖️ Cancel
broadcast-draft-gone = This draft is no longer open. Use /broadcast to write a new announcement.
broadcast-started = ✅ Announcement #{ $id } is on its way. Its progress appears below.
broadcast-already-started = This announcement was already sent (#{ $id }); it is not sent twice.

broadcast-progress =
    📢 Announcement #{ $id }: { $status }
    { $bar }
    ✅ Sent: { $sent } of { $total }
    🚫 Blocked the bot: { $blocked }
    ⚠️ Failed: { $failed }
    ⏳ Remaining: { $remaining }
broadcast-speed = ⚡ Speed: { $rate } per second
broadcast-speed-eta = ⚡ Speed: { $rate } per second · about { $eta } left
broadcast-seconds = { $count ->
        [one] 1 second
       *[other] { $count } seconds
    }
broadcast-minutes = { $count ->
        [one] 1 minute
       *[other] { $count } minutes
    }
broadcast-hours = { $hours ->
        [one] 1 hour
       *[other] { $hours } hours
    }{ $minutes ->
        [0] {""}
        [one] {" "}and 1 minute
       *[other] {" "}and { $minutes } minutes
    }
broadcast-report-rate = ⚡ { $rate } recipients per second, over { $duration } of sending (pauses not counted)
broadcast-status-running = sending
broadcast-status-paused = paused
broadcast-status-paused-why = paused ({ $reason })
broadcast-status-cancelled = cancelled
broadcast-status-done = finished
broadcast-pause-staff = by staff
broadcast-pause-forbidden = after repeated refusals
broadcast-pause-button = ⏸ Pause
broadcast-resume-button = ▶️ Resume
broadcast-cancel-button = ⏹ Cancel
broadcast-paused = ⏸ Announcement #{ $id } is paused.
broadcast-resumed = ▶️ Announcement #{ $id } continues.
broadcast-cancelled = ⏹ Announcement #{ $id } is cancelled; nobody else will get it.
broadcast-not-changeable = Announcement #{ $id } has already ended.
broadcast-already-running = Announcement #{ $id } is already being sent.
broadcast-already-paused = Announcement #{ $id } is already paused.
broadcast-unknown = There is no such announcement.

broadcast-report =
    📢 Announcement #{ $id } { $status }.
    Audience: { $total }
    ✅ Sent: { $sent }
    🚫 Blocked the bot: { $blocked }
    ⚠️ Failed: { $failed }
    ❔ Unclear whether it arrived (not repeated): { $unknown }
    ⏹ Not sent: { $not_sent }
broadcast-paused-forbidden =
    ⚠️ Announcement #{ $id } paused itself: the platform refused { $refusals } sends in a row.
    If many people did not block the bot, the bot's token may have been revoked. Check it, then press Resume.

## Everyone's settings
settings-button = ⚙️ Settings
settings-screen =
    ⚙️ Settings
    📢 Announcements: { $announcements }
    🏙 Home city: { $city }
    Announcements for a city reach people whose home city it is.
settings-on = on
settings-off = off
settings-no-home-city = not set
settings-announcements-off-button = 🔕 Turn announcements off
settings-announcements-on-button = 🔔 Turn announcements on
settings-home-city-button = 🏙 Choose home city
settings-ask-province = Your home city is in which province?
settings-ask-city = Which city?
announcements-turned-off = 🔕 You will get no more announcements. Turn them back on any time in ⚙️ Settings (/settings).
announcements-turned-on = 🔔 Announcements are on.
home-city-saved = 🏙 Home city saved: { $city }
