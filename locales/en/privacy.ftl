# The personal-data guard on what donors read (bot/text/privacy.py).
need-form-personal-name = This text seems to name someone (a title like "Mrs" or "آقای" followed by a name, or a first name with a family name). Donors must never see personal data, so please write it without the name, e.g. "a mother who heads the household".
