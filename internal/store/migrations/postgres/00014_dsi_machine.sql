-- DSI matters follow a machine of their own (internal/cases/dsi.go;
-- docs/statutory-process.md section 3.5): recorded, referred, investigated
-- as the IOPC decides, then closed or recorded as a recordable conduct
-- matter. Before this, a DSI matter followed the conduct machine, so one
-- stored then may stand in a state the DSI machine does not have (severity
-- assessed, a regulation 17 notice served, proceedings, NFA, RPRP ...).
-- A DSI matter handled that way was in substance a recordable conduct
-- matter (Sch3 21A), and only the conduct machine can carry it on or end
-- it, so it becomes one; its reference keeps its DS prefix.
-- PostgreSQL dialect.

-- +goose Up
UPDATE cases SET kind = 'recordable_conduct_matter'
WHERE kind = 'dsi_matter'
  AND state NOT IN ('AllegationReceived', 'ReferredIOPC', 'ReferredBack', 'Investigation', 'Reported', 'Closed', 'RecordedAsConduct');

-- +goose Down
-- Which recordable conduct matters were DSI matters is not kept apart from
-- the DS prefix of their references.
UPDATE cases SET kind = 'dsi_matter'
WHERE kind = 'recordable_conduct_matter' AND reference LIKE 'DS/%';
