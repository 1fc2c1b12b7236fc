"""Domain rules as plain async functions: no Telegram types, testable with a bare store."""
