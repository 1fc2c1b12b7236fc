"""Phrasings the personal-data guard must refuse, and ordinary ones it must let through.

Shared by the guard's unit tests, the CSV needs import tests and the staff form tests, so
each path is tried with the same attacks.
"""

from __future__ import annotations

from bot.text import national_code_check_digit

CODE = "001234567" + str(national_code_check_digit("001234567"))  # 0012345679
MOBILE = "09121234567"
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _split(number: str, separator: str, every: int = 3) -> str:
    return separator.join(number[i : i + every] for i in range(0, len(number), every))


# Every evasion the attack run found: format characters, separators, compatibility digits.
# Each form once for a mobile and once for a national code: (label, text).
EVASIONS: list[tuple[str, str]] = [
    *[
        (f"{name} {kind}", _split(number, char, every))
        for name, char in [
            ("U+200B", "\u200b"),
            ("U+200D", "\u200d"),
            ("U+2060", "\u2060"),
            ("soft hyphen", "\u00ad"),
            ("comma", ","),
            ("arabic comma", "٬"),
            ("middle dot", "·"),
            ("star", "*"),
            ("bar", "|"),
            ("tilde", "~"),
            ("colon", ":"),
        ]
        for kind, number, every in [("mobile", MOBILE, 4), ("code", CODE, 3)]
    ],
    ("superscript mobile", MOBILE.translate(_SUPERSCRIPT)),
    ("superscript code", CODE.translate(_SUPERSCRIPT)),
    ("circled mobile", "⓪⑨①②①②③④⑤⑥⑦"),
    ("persian digits, ZWJ", _split(MOBILE.translate(_PERSIAN), "\u200d", 2)),
    ("persian digits, arabic comma", _split(CODE.translate(_PERSIAN), "٬", 4)),
    ("full-width", MOBILE.translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
]

# Names: a title with a name, a first name with a family name (Persian, English, Finglish).
NAMES = [
    "تماس: خانم رضایی",
    "آقای محمدی",
    "Mrs. Rezaei",
    "Mr Mohammadi, father of three",
    "برای خانواده آقای احمدی",
    "سرپرست خانوار: مریم احمدی",
    "فاطمه حسن‌زاده مادر سه فرزند",
    "حاج‌آقا رحیمی",
    "خانم دکتر کاظمی",
    "دکتر کاظمی",
    "جناب آقای کریمی",
    "خانوم موسوی",
    "khanom Rezaei",
    "aghaye Mohammadi",
    "Khanoom Hosseini needs a fridge",
    "Maryam Ahmadi, widow",
    "Ali Jafarzadeh",
    "Dr. Hosseini",
    "Ms Karimi",
    "تماس با علی رضایی",
    "زهرا قلی‌پور",
]

# Ordinary need descriptions that must still pass.
ORDINARY = [
    "یخچال برای خانواده ۵ نفره",
    "خانم سرپرست خانوار نیاز به چرخ خیاطی دارد",
    "مادر سرپرست خانوار با سه فرزند",
    "خانم ۶۰ ساله تنها",
    "خانم باردار نیاز به سیسمونی دارد",
    "آقای بیکار با دو فرزند",
    "ویزیت دکتر متخصص و داروی سه ماه",
    "هزینه دکتر و دارو",
    "نذر امام حسین علیه‌السلام",
    "جهیزیه برای نوعروس",
    "اجاره ۶ ماه تا ۱۴۰۴/۱۲/۲۹، مبلغ ۲۵,۰۰۰,۰۰۰ تومان",
    "مبلغ ۲۵٬۰۰۰٬۰۰۰ تومان",
    "ساعت ۱۰:۳۰ تحویل",
    "A fridge for a family of five",
    "A widowed mother and her two sons need winter clothes",
    "Medical bills: doctor visits and medicine",
    "Mrs and Mr",
    "کمک به یک خانم سالمند",
]
