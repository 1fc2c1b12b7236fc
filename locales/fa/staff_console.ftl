## Staff console additions of issue #9: /needs, invites, confirmations of irreversible actions.
## Message ids and placeholders must match locales/en/staff_console.ftl; tests/test_locales.py checks it.

staff-user-id-invalid = این شناسهٔ کاربر نیست: شناسهٔ کاربر یک عدد صحیح مثبت است، مثل /addstaff 123456. برای افزودن کسی بدون شناسه‌اش، /invite را بفرستید و کد را به او بدهید.
broadcast-audience-admin-only = فقط مدیران می‌توانند برای همه اطلاعیه بفرستند. به جای آن خیّران، مددجویان، کارکنان، یک استان یا یک شهر را انتخاب کنید، یا با /broadcast از نو شروع کنید.
