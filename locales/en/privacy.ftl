# Privacy: the personal-data guard on what donors read (bot/text/privacy.py), and the phone
# shared during verification, which is never kept after the code is checked.
need-form-personal-name = This text seems to name someone (a title like "Mrs" or "آقای" followed by a name, or a first name with a family name). Donors must never see personal data, so please write it without the name, e.g. "a mother who heads the household".
verify-share-again = Your number is not kept. To try again, share it with the "Share my phone number" button, then type the national code.
