## Needs: categories and the words that `hamdeli import needs` reads.
## Message ids must match locales/en/needs.ftl; tests/test_locales.py checks it.
## The import also accepts every category name below (in any language) in its category column.

category-livelihood = معیشت
category-housing = مسکن
category-dowry = جهیزیه
category-orphans = ایتام
category-medical = درمان
category-education = تحصیل
category-work_tools = ابزار کار
category-other = سایر

category-icon-livelihood = 🍞
category-icon-housing = 🏠
category-icon-dowry = 🎁
category-icon-orphans = 🧒
category-icon-medical = 💊
category-icon-education = 📚
category-icon-work_tools = 🛠
category-icon-other = 🤲

## The urgent column of an import: words for yes and for no, separated by commas.
## yes/no, true/false and 1/0 are always accepted as well.
import-urgent-yes-words = بله, بلی, آری, آره, فوری
import-urgent-no-words = خیر, نه, عادی
