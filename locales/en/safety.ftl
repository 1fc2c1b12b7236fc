## Safety first: the answer to a message that speaks of violence, abuse, threat or danger.
## Short and calm; one number per line, number first, so it can be read and dialled at a
## glance (Telegram and Bale make no 3–4 digit service number tappable).
safety-answer =
    🆘 If you or someone else is in danger, you are not alone.

    ☎️ 123 — social emergency (free, day and night)
    🚓 110 — police, if a life is in danger
    🚑 115 — ambulance, if someone is hurt
    💬 1480 — welfare counselling line

    We do not keep your message or pass it on to anyone. If someone checks your phone, you can delete this chat.
safety-continue-button = ▶️ Continue where I was
safety-support-button = ✉️ Write to support
safety-carry-on = Whenever you are ready, carry on where you were: the last question is still waiting for your answer.
