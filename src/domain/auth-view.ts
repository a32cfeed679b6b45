/**
 * `auth` as stored and shown: everything but the password or client secret (see
 * destination-auth.ts for its rules). A module of its own, apart from the rules the consumer
 * loads, so that the send path never builds zod schemas before the API's OpenAPI extension of
 * zod is loaded (a schema built earlier lacks `.openapi`).
 */
import { z } from 'zod';
import { AuthType } from './vocabulary';

export const BasicAuthView = z.object({ type: z.literal(AuthType.enum.basic), username: z.string() });
export const OAuthClientCredentialsView = z.object({
  type: z.literal(AuthType.enum.oauth2_client_credentials),
  token_url: z.string(),
  client_id: z.string(),
  scope: z.string().nullable(),
  audience: z.string().nullable(),
});
export const AuthView = z.discriminatedUnion('type', [BasicAuthView, OAuthClientCredentialsView]);
export type AuthView = z.infer<typeof AuthView>;
export type BasicAuth = z.infer<typeof BasicAuthView>;
export type OAuthClientCredentials = z.infer<typeof OAuthClientCredentialsView>;
