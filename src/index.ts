import type { Env } from './env';

export default {
  async fetch(request, env) {
    const r = await env.DB.prepare('select 1 as one').first<{ one: number }>();
    const target = new URL(request.url).searchParams.get('target');
    if (target) {
      const res = await fetch(target, { method: 'POST', body: 'hi' });
      return new Response(`fetched ${res.status}`);
    }
    return Response.json({ status: 'ok', one: r?.one });
  },
} satisfies ExportedHandler<Env>;
