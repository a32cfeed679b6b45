/**
 * Secret rotation with overlap: POST /v1/automations/{id}/secret/rotate replaces the signing
 * secret; the one it replaces keeps signing alongside it for the overlap asked for (rules in
 * src/domain/secret-rotation.ts).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { sealSecret } from '../../crypto/secret-box';
import { iso } from '../../db/rows';
import { getAutomationRow, previousSecretsView, replaceSecret } from '../../db/automations';
import {
  DEFAULT_OVERLAP_HOURS,
  decodePreviousSecrets,
  encodePreviousSecrets,
  MAX_OVERLAP_HOURS,
  MAX_PREVIOUS_SECRETS,
  rotate,
} from '../../domain/secret-rotation';
import { generateSigningSecret } from '../../domain/signature';
import { ApiError, notFound } from '../../errors';
import type { AppEnv } from '../context';
import { keyPrincipal, requireIntegrationEnabled, requireKey } from '../guards';
import { etagOf } from '../preconditions';
import { errors, IdParam, jsonBody, jsonResponse, RotatedSecretSchema } from '../schemas';
import { changed, secretsKey } from './automations';

const RotateSecret = z
  .object({
    previous_valid_for_hours: z.int().min(0).max(MAX_OVERLAP_HOURS).default(DEFAULT_OVERLAP_HOURS).openapi({
      description: `How long the secret being replaced keeps signing alongside the new one, in whole hours (0: it stops at once; default ${DEFAULT_OVERLAP_HOURS})`,
    }),
  })
  .strict()
  .openapi('RotateSecret');

const route = createRoute({
  method: 'post', path: '/v1/automations/{id}/secret/rotate', tags: ['Automations'], middleware: [requireKey('admin')],
  summary: 'Replace the signing secret; the previous one keeps signing alongside the new one for an overlap',
  description:
    'While a replaced secret is valid, every webhook carries one signature per secret in `webhook-signature` (space-separated, ' +
    `the new secret's first), so a receiver verifying with either secret accepts it. At most ${MAX_PREVIOUS_SECRETS} replaced ` +
    'secrets sign at once: rotating again drops the one replaced longest ago.',
  request: { params: IdParam('id'), ...jsonBody(RotateSecret, false) },
  responses: {
    200: {
      ...jsonResponse(RotatedSecretSchema, 'The new secret, shown like at creation; read it again with GET /v1/automations/{id}/secret'),
      headers: { ETag: { schema: { type: 'string' as const }, description: 'The automation’s new version' } },
    },
    400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422],
  },
});

/** Re-reads after losing a race with another rotation; more losses than this in a row is a conflict. */
const MAX_ROTATE_ATTEMPTS = 5;

export function registerSecretRotationRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = keyPrincipal(c.get('principal'));
    requireIntegrationEnabled(principal);
    const { id } = c.req.valid('param');
    // The body is optional: no body means the default overlap.
    const hours = c.req.valid('json')?.previous_valid_for_hours ?? DEFAULT_OVERLAP_HOURS;
    const signingSecret = generateSigningSecret();
    const sealed = await sealSecret(secretsKey(c.env), signingSecret, id);
    for (let attempt = 1; ; attempt++) {
      const row = await getAutomationRow(c.env.DB, principal.accountId, id);
      if (!row) throw notFound('Automation');
      const now = Date.now();
      // The outgoing ciphertext is kept as it is: it is already sealed and bound to this automation.
      const next = rotate(decodePreviousSecrets(row.previous_secrets), row.secret_ciphertext, hours, now);
      const updated = await replaceSecret(c.env.DB, principal.accountId, id, row.secret_ciphertext, sealed, encodePreviousSecrets(next.previous), now);
      if (updated) {
        // Before answering, so the next delivery claimed signs with the new secret.
        await changed(c.env, principal);
        return c.json(
          { signing_secret: signingSecret, previous_valid_until: iso(next.previousValidUntil), previous_secrets: previousSecretsView(updated.previous_secrets, now) },
          200,
          { etag: etagOf(updated.version) },
        );
      }
      if (attempt === MAX_ROTATE_ATTEMPTS) {
        throw new ApiError('conflict', 'The secret is being rotated by other requests at this moment; try again');
      }
    }
  });
}
