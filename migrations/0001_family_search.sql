-- Family search: one FTS5 row per family (rowid = family.id), accent- and case-insensitive,
-- with prefix indexes so search-as-you-type stays fast on 100,000 families. Triggers keep it in
-- step with every write path (demo, sync, import), so no caller can forget to reindex.
CREATE VIRTUAL TABLE `family_search` USING fts5(
	code,
	names,
	children,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '1 2 3'
);
--> statement-breakpoint
CREATE TRIGGER `family_search_family_ai` AFTER INSERT ON `family` BEGIN
	INSERT INTO family_search(rowid, code, names, children) VALUES (NEW.id, NEW.code, NEW.family_name, '');
END;
--> statement-breakpoint
CREATE TRIGGER `family_search_family_au` AFTER UPDATE OF code, family_name ON `family` BEGIN
	UPDATE family_search SET code = NEW.code,
		names = NEW.family_name || ' ' || coalesce((SELECT group_concat(last_name || ' ' || first_name, ' ') FROM responsable WHERE family_id = NEW.id), '')
	WHERE rowid = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `family_search_resp_ai` AFTER INSERT ON `responsable` BEGIN
	UPDATE family_search SET names = (SELECT family_name FROM family WHERE id = NEW.family_id) || ' ' || coalesce((SELECT group_concat(last_name || ' ' || first_name, ' ') FROM responsable WHERE family_id = NEW.family_id), '')
	WHERE rowid = NEW.family_id;
END;
--> statement-breakpoint
CREATE TRIGGER `family_search_resp_au` AFTER UPDATE OF last_name, first_name ON `responsable` BEGIN
	UPDATE family_search SET names = (SELECT family_name FROM family WHERE id = NEW.family_id) || ' ' || coalesce((SELECT group_concat(last_name || ' ' || first_name, ' ') FROM responsable WHERE family_id = NEW.family_id), '')
	WHERE rowid = NEW.family_id;
END;
--> statement-breakpoint
CREATE TRIGGER `family_search_child_ai` AFTER INSERT ON `child` BEGIN
	UPDATE family_search SET children = coalesce((SELECT group_concat(first_name || ' ' || last_name, ' ') FROM child WHERE family_id = NEW.family_id), '')
	WHERE rowid = NEW.family_id;
END;
--> statement-breakpoint
CREATE TRIGGER `family_search_child_au` AFTER UPDATE OF first_name, last_name ON `child` BEGIN
	UPDATE family_search SET children = coalesce((SELECT group_concat(first_name || ' ' || last_name, ' ') FROM child WHERE family_id = NEW.family_id), '')
	WHERE rowid = NEW.family_id;
END;
