## Pledges: refusals a donor may see. Amounts arrive already formatted ({ $remaining }).

pledge-need-unavailable = This need no longer takes pledges; thank you for your kindness 🌱 Please look at other needs.
pledge-amount-not-positive = The amount must be more than zero.
pledge-above-remaining = That is more than this need still lacks. Remaining: { $remaining }
pledge-below-minimum = The smallest pledge is { $minimum }.
pledge-lost-race = Another donor has just pledged to this need. Remaining: { $remaining }
pledge-not-found = This pledge was not found.
pledge-not-cancellable = This pledge can no longer be cancelled.
pledge-not-awaiting-payment = This pledge is not awaiting payment.
