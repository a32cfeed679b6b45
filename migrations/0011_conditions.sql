-- Conditions: which events of its trigger an automation delivers, as JSON of the tree in
-- src/domain/conditions.ts ({"all": [...]} or {"any": [...]}); NULL delivers every event.
ALTER TABLE automations ADD COLUMN conditions TEXT;
