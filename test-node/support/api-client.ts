/** A small JSON client for the HTTP Notifier API, for Node-side tests and tools. */

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

export function apiClient(baseUrl: string, token: string) {
  async function request<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
  return {
    request,
    get: <T = any>(path: string) => request<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => request<T>('POST', path, body),
    put: <T = any>(path: string, body?: unknown) => request<T>('PUT', path, body),
  };
}

/** As the operator: a new account (integration off) with one admin and one events key. */
export async function createTestAccount(baseUrl: string, operatorToken: string, id: string, name = `Account ${id}`) {
  const operator = apiClient(baseUrl, operatorToken);
  const created = await operator.post('/v1/accounts', { id, name });
  if (created.status !== 201) throw new Error(`creating account ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  const admin = await operator.post(`/v1/accounts/${id}/api-keys`, { role: 'admin', name: 'test admin' });
  const events = await operator.post(`/v1/accounts/${id}/api-keys`, { role: 'events', name: 'test events' });
  return {
    id,
    adminKey: admin.body.key as string,
    eventsKey: events.body.key as string,
    setEnabled: (enabled: boolean) => operator.put(`/v1/accounts/${id}/http-notifier`, { enabled }),
  };
}

/** Retries `check` until it stops throwing (returning its value) or `timeoutMs` passes (rethrowing its last error). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
