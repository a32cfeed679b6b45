-- Per-call ordering, per automation: 'none' sends deliveries in parallel; 'per_call' sends the
-- deliveries of one call (contact triggers: contact; agent triggers: agent) in the order the
-- events occurred.
ALTER TABLE automations ADD COLUMN ordering TEXT NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'per_call'));
