-- Why the system turned an automation off, as data: JSON of a RecordedCause in
-- src/domain/causes.ts ({"kind": "gone", "at", "delivery_id"} or {"kind": "failing", "since",
-- "hours"}), its words written on read. Reasons stored as text are converted here, once. The four
-- wordings ever stored are fixed text around ISO times of 24 characters (toISOString), a delivery
-- id or a count, so each piece is cut out by position and compared (D1 refuses long GLOB patterns).
-- A time must read back the same through strftime, a delivery id be letters, digits, _ and -.
-- Text in other words is kept as it is, as {"kind": "text", "text"}.
ALTER TABLE automations ADD COLUMN disabled_cause TEXT;

UPDATE automations SET disabled_cause = converted.cause
FROM (
  SELECT id, CASE
    -- "Turned off automatically: on <at> your endpoint answered 410 Gone, … (delivery <id>)"
    WHEN substr(r, 1, 29) = 'Turned off automatically: on '
      AND substr(r, 54, 116) = ' your endpoint answered 410 Gone, which means the address no longer exists, so nothing more is sent to it (delivery '
      AND last = ')' AND gone_id <> '' AND gone_id NOT GLOB '*[^A-Za-z0-9_-]*'
      AND strftime('%Y-%m-%dT%H:%M:%fZ', substr(r, 30, 24)) = substr(r, 30, 24)
      THEN json_object('kind', 'gone', 'at', substr(r, 30, 24), 'delivery_id', gone_id)
    -- "Turned off automatically: every attempt … has failed since <since> (<n> hours|hour|days), so nothing more is sent to it"
    WHEN substr(r, 1, 85) = 'Turned off automatically: every attempt to deliver to your endpoint has failed since '
      AND substr(r, 110, 2) = ' (' AND length(r) > 143 AND substr(r, -32) = '), so nothing more is sent to it'
      AND span_count <> '' AND span_count NOT GLOB '*[^0-9]*' AND span_unit IN ('hour', 'hours', 'days')
      AND strftime('%Y-%m-%dT%H:%M:%fZ', substr(r, 86, 24)) = substr(r, 86, 24)
      THEN json_object('kind', 'failing', 'since', substr(r, 86, 24),
        'hours', CAST(span_count AS INTEGER) * CASE span_unit WHEN 'days' THEN 24 ELSE 1 END)
    -- The first words: "Turned off automatically: the receiver answered 410 Gone on <at> (delivery <id>)"
    WHEN substr(r, 1, 60) = 'Turned off automatically: the receiver answered 410 Gone on '
      AND substr(r, 85, 11) = ' (delivery ' AND last = ')' AND first_gone_id <> '' AND first_gone_id NOT GLOB '*[^A-Za-z0-9_-]*'
      AND strftime('%Y-%m-%dT%H:%M:%fZ', substr(r, 61, 24)) = substr(r, 61, 24)
      THEN json_object('kind', 'gone', 'at', substr(r, 61, 24), 'delivery_id', first_gone_id)
    -- and "Turned off automatically: every delivery attempt has failed for <n> hours (since <since>)"
    WHEN substr(r, 1, 64) = 'Turned off automatically: every delivery attempt has failed for '
      AND length(r) > 103 AND substr(r, length(r) - 38, 14) = ' hours (since ' AND last = ')'
      AND first_hours <> '' AND first_hours NOT GLOB '*[^0-9]*'
      AND strftime('%Y-%m-%dT%H:%M:%fZ', substr(r, length(r) - 24, 24)) = substr(r, length(r) - 24, 24)
      THEN json_object('kind', 'failing', 'since', substr(r, length(r) - 24, 24), 'hours', CAST(first_hours AS INTEGER))
    ELSE json_object('kind', 'text', 'text', r)
  END AS cause
  FROM (
    SELECT id, r, last, gone_id, first_gone_id, first_hours,
      substr(span, 1, instr(span, ' ') - 1) AS span_count, substr(span, instr(span, ' ') + 1) AS span_unit
    FROM (
      -- Each wording's variable pieces, by their positions after its fixed text.
      SELECT id, disabled_reason AS r, substr(disabled_reason, -1) AS last,
        substr(disabled_reason, 170, length(disabled_reason) - 170) AS gone_id,
        substr(disabled_reason, 112, length(disabled_reason) - 143) AS span,
        substr(disabled_reason, 96, length(disabled_reason) - 96) AS first_gone_id,
        substr(disabled_reason, 65, length(disabled_reason) - 103) AS first_hours
      FROM automations WHERE disabled_reason IS NOT NULL
    )
  )
) AS converted
WHERE automations.id = converted.id;

-- disabled_reason stays for now (expand, then contract): code deployed before this migration
-- still writes it until the new code is live, and a later migration drops it.
