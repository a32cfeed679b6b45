/** Destination gates and automation health, each a JSON document per key. */
import { healthy, type Health } from '../../domain/automation-health';
import { newGate, type Gate } from '../../domain/destination-gate';

export function loadGates(sql: SqlStorage): Map<string, Gate> {
  const rows = sql.exec<{ origin: string; gate: string }>('SELECT origin, gate FROM destinations').toArray();
  return new Map(rows.map((r) => [r.origin, { ...newGate(), ...(JSON.parse(r.gate) as Partial<Gate>) }]));
}

export function saveGate(sql: SqlStorage, origin: string, gate: Gate): void {
  sql.exec('INSERT INTO destinations (origin, gate) VALUES (?, ?) ON CONFLICT (origin) DO UPDATE SET gate = excluded.gate', origin, JSON.stringify(gate));
}

export function loadHealth(sql: SqlStorage, automationId: string): Health {
  return storedHealth(sql, automationId) ?? healthy();
}

/** The automation's stored health, or undefined when this object has none for it. */
function storedHealth(sql: SqlStorage, automationId: string): Health | undefined {
  const row = sql.exec<{ health: string }>('SELECT health FROM automation_health WHERE automation_id = ?', automationId).toArray()[0];
  return row ? { ...healthy(), ...(JSON.parse(row.health) as Partial<Health>) } : undefined;
}

export function saveHealth(sql: SqlStorage, automationId: string, health: Health): void {
  sql.exec(
    'INSERT INTO automation_health (automation_id, health) VALUES (?, ?) ON CONFLICT (automation_id) DO UPDATE SET health = excluded.health',
    automationId, JSON.stringify(health),
  );
}

/** Where the automation's failure streak began; null when healthy, undefined when this object has no health for it (it saw no attempt). */
export function streakStart(sql: SqlStorage, automationId: string): number | null | undefined {
  return storedHealth(sql, automationId)?.streakStartedAt;
}
