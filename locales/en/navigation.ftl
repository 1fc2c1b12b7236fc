## Always a way forward: how to reach the office, lockouts, typed places and greetings,
## role-aware help. Placeholders must match locales/fa/navigation.ftl.

office-call = ☎️ Call the welfare office: { $phone }
office-visit = You can also ask at your city's welfare office in person.

pledge-report-again-button = 🔁 I did pay: report it again
pledge-report-again-no-room = Pledge { $reference } cannot go back to staff by itself: its need has no room for it any more. Please write to support with /support and the reference; they will check your transfer.
