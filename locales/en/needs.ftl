## Needs: categories and the words that `hamdeli import needs` reads.
## Message ids must match locales/fa/needs.ftl; tests/test_locales.py checks it.
## The import also accepts every category name below (in any language) in its category column.

category-livelihood = Living costs
category-housing = Housing
category-dowry = Dowry
category-orphans = Orphans
category-medical = Medical
category-education = Education
category-work_tools = Work tools
category-other = Other

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
import-urgent-yes-words = yes, y, urgent
import-urgent-no-words = no, n
