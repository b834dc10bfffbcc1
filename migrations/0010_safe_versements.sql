-- A versement may come from the safe (coffre): the takings that earlier closings took out of
-- the drawer. It lowers the régie's cash held but not what the drawer must hold at closing.
-- Only a versement may name the safe, and the column is written once like the rest of the row
-- (till_movement_no_update already refuses any change).
ALTER TABLE `till_movement` ADD `source` text DEFAULT 'tiroir' NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `till_movement_source` BEFORE INSERT ON `till_movement`
WHEN NEW.source NOT IN ('tiroir', 'coffre') OR (NEW.source = 'coffre' AND NEW.kind <> 'versement')
BEGIN
	SELECT RAISE(ABORT, 'Mouvement incohérent : seul un versement au comptable peut être pris dans le coffre.');
END;
