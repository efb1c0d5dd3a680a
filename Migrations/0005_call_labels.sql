-- Labels (docs/schema.md, "call_labels"): what a call's campaign, clinic or
-- list is, from the other columns of the ids CSV it came in, `--label` on
-- the command line, an imported record's "labels", or `callhist label`.
-- A later file adds labels, never removes them (`callhist label --remove`
-- does, explicitly). A name may have several values on one call.
--
-- No foreign key to calls: labels are written while the ids are read, in the
-- same step that refuses a bad file, before a new id has its calls row (the
-- run adds it a moment later). `callhist forget` removes a call's labels
-- with the call.
CREATE TABLE call_labels (
    call_id TEXT NOT NULL,
    name    TEXT NOT NULL,  -- lower_snake_case
    value   TEXT NOT NULL,
    PRIMARY KEY (call_id, name, value)
) WITHOUT ROWID;

-- "calls labelled campaign = spring": one index range, whatever the number
-- of label names (one index for all of them, not one per column).
CREATE INDEX call_labels_name_value ON call_labels (name, value, call_id);

-- Each call as calls_view shows it (ISO-8601 UTC times) with its labels as
-- one JSON object ({"campaign": "spring"}; a name with several values has
-- them in an array), for Datasette and sqlite3.
CREATE VIEW calls_with_labels AS
SELECT c.*,
       (SELECT json_group_object(g.name, json(g.v))
        FROM (SELECT l.name, CASE WHEN count(*) = 1 THEN json_quote(max(l.value)) ELSE json_group_array(l.value) END AS v
              FROM call_labels l WHERE l.call_id = c.call_id GROUP BY l.name) g) AS labels
FROM calls_view c;
