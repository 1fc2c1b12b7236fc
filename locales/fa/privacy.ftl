# Privacy: the personal-data guard on what donors read (bot/text/privacy.py), and the phone
# shared during verification, which is never kept after the code is checked.
need-form-personal-name = به نظر می‌رسد این متن نام کسی را آورده است (عنوانی مثل «خانم» یا «آقای» و پس از آن یک نام، یا نام و نام خانوادگی). اطلاعات شخصی هرگز نباید به خیّران برسد؛ لطفاً بدون نام بنویسید، مثلاً «مادر سرپرست خانوار».
verify-share-again = شمارهٔ شما نگه داشته نمی‌شود. برای تلاش دوباره، با دکمهٔ «ارسال شمارهٔ تلفن من» شماره را دوباره بفرستید و سپس کد ملی را بنویسید.
