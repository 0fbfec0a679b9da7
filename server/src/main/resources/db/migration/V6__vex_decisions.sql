-- A VEX statement about one version of a package holds for that version only; a verdict made in
-- Bulwark (version NULL) holds for the package. 'vex' marks decisions that came from a document.
ALTER TABLE decisions ADD COLUMN version TEXT;
ALTER TABLE decisions ADD COLUMN source TEXT;
