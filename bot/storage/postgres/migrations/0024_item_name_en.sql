-- A need of goods may name its item in English too (the needs CSV's optional item_en
-- column), so an English-speaking donor reads "sewing machine", not only the Persian name.
ALTER TABLE needs ADD COLUMN item_name_en TEXT;
