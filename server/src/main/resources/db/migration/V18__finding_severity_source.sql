-- Where a finding's severity came from (issue 14): the record that rates it (the finding's own,
-- another record that matched, or an alias that did not), the rating's type (CVSS_V3, CVSS_V4,
-- database_specific.severity, ...) and its CVSS vector, as a JSON object. NULL when the severity
-- is unknown, and for findings stored before this column (their source was not recorded).
ALTER TABLE findings ADD COLUMN severity_source TEXT;
