"""Everything a user sees: each screen's text and keyboard, built in one place.

Handlers ask for a screen and send it; views ask the translator for words. Views never
touch the store or Telegram's network, so they are cheap to test and to reuse.
"""
