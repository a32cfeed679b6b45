/**
 * Rules of the console's sign-in form: where to go after signing in, and whether what was typed
 * even has the shape of an API key (so a typo is told apart from a revoked or unknown key).
 */

/** `hnk_<role>_` and the base64url of 32 random bytes (43 characters); see src/auth/api-keys.ts. */
const KEY_SHAPE = /^hnk_(?:admin|events)_[A-Za-z0-9_-]{43}$/;

export const looksLikeApiKey = (key: string): boolean => KEY_SHAPE.test(key);

/**
 * The console page to open after signing in, or null. Only a path of the console itself is
 * accepted: an absolute URL, a protocol-relative `//host` or a backslash (which browsers read
 * as a slash) would turn the sign-in page into an open redirect to another site.
 */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || next.length > 2000) return null;
  if (!/^\/console(?:[/?#]|$)/.test(next)) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
  if (/^\/console\/sign-(?:in|out)(?:[/?#]|$)/.test(next)) return null;
  return next;
}
