# Errors of bot/text parsers (InputError codes). Each message tells the user how to type it
# right, with an example in double quotes that the parser accepts (tests check this).

## Money (parse_money)
input-money-empty = Please type the amount, for example "2,500,000" or "2 million toman".
input-money-no-digits = Please type the amount in digits, for example "500 thousand toman" or "2,500,000".
input-money-words = Please type the amount in digits, not words, for example "2 million" or "500 thousand".
input-money-ambiguous = This number could be read two ways. Please type the full amount, for example "2500000", "2,500,000" or "2.5 million".
input-money-not-positive = The amount must be more than zero, for example "500 thousand toman".
input-money-fraction = Please type the amount without decimals, for example "12,500 toman".
input-money-too-large = This amount is too large; please count the zeros again. For example, "2 million toman" means "2,000,000 toman".
input-money-unknown-word = We did not understand the word "{ $word }". Use only digits and the words thousand, million, toman or rial, for example "500 thousand toman".
input-money-format = We could not read this amount. Please type it like "2,500,000", "2 million toman" or "500 thousand rial".

## National code (parse_national_code)
input-national-code-format = Please type your national code in digits only: 10 digits, like "0012345679".
input-national-code-length = A national code has 10 digits, but you typed { $count }. Please try again, like "0012345679".
input-national-code-invalid = This national code is not valid. Please check the digits against the national card and send it again: 10 digits, like "0012345679".

## Mobile number (parse_mobile)
input-mobile-format = Please type your mobile number like "09121234567" (11 digits starting with 09).
input-mobile-not-iranian = Only Iranian mobile numbers are accepted, like "09121234567" or "+989121234567".
input-mobile-not-mobile = This is not a mobile number. Iranian mobile numbers start with 09, like "09121234567".

## Dates (parse_date)
input-date-format = Please start the date with the year (year, then month, then day), for example "1404/09/30".
input-date-year = Please type a four-digit Jalali (Persian calendar) year, for example "1404/09/30".
input-date-invalid = There is no such day in the calendar. Please check the month and day, for example "1404/09/30".
