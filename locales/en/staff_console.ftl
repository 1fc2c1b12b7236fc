## Staff console additions of issue #9: /needs, invites, confirmations of irreversible actions.
## Message ids and placeholders must match locales/fa/staff_console.ftl; tests/test_locales.py checks it.

staff-user-id-invalid = That is not a user id: a user id is a positive whole number, like /addstaff 123456. To add someone without their id, send /invite and give them the code.
broadcast-audience-admin-only = Only an administrator can announce to everyone. Choose donors, beneficiaries, staff, a province or a city instead, or start again with /broadcast.
