/**
 * OAuth2 access tokens, one per automation that uses the client credentials grant, kept in the
 * account object so every consumer sends with the same token instead of each asking the token
 * endpoint. A token belongs to the auth it was got with (its fingerprint: token endpoint,
 * client, scope, audience and sealed secret), so a changed auth never sends an old token.
 */

/** The sealed token for this auth, while it is still usable at `now`; null otherwise. */
export function usableToken(sql: SqlStorage, automationId: string, fingerprint: string, now: number): string | null {
  const row = sql
    .exec<{ token_ciphertext: string }>(
      'SELECT token_ciphertext FROM access_tokens WHERE automation_id = ? AND fingerprint = ? AND usable_until > ?',
      automationId, fingerprint, now,
    )
    .toArray()[0];
  return row?.token_ciphertext ?? null;
}

/** Keeps a new token until `usableUntil`, replacing the one before; null forgets it (usable once only). */
export function saveToken(sql: SqlStorage, automationId: string, fingerprint: string, tokenCiphertext: string, usableUntil: number | null): void {
  if (usableUntil === null) {
    sql.exec('DELETE FROM access_tokens WHERE automation_id = ?', automationId);
    return;
  }
  sql.exec(
    `INSERT INTO access_tokens (automation_id, fingerprint, token_ciphertext, usable_until) VALUES (?, ?, ?, ?)
     ON CONFLICT (automation_id) DO UPDATE SET fingerprint = excluded.fingerprint, token_ciphertext = excluded.token_ciphertext,
       usable_until = excluded.usable_until`,
    automationId, fingerprint, tokenCiphertext, usableUntil,
  );
}
