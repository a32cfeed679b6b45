/**
 * The delivery baseline in the Worker's runtime: a Worker that does only what delivery cannot
 * avoid — take a queue batch and POST each message's body to its URL, at most 6 in flight (the
 * consumer's MAX_IN_FLIGHT) — with no account object, rendering or signing. It consumes a
 * queue with the same batch settings as the delivery queue. POST /enqueue {url, body, count}
 * puts `count` messages on it.
 */
const MAX_IN_FLIGHT = 6;
const SEND_BATCH_LIMIT = 100;

export default {
  async fetch(request, env) {
    const { url, body, count } = await request.json();
    for (let sent = 0; sent < count; sent += SEND_BATCH_LIMIT) {
      const size = Math.min(SEND_BATCH_LIMIT, count - sent);
      await env.BASELINE_QUEUE.sendBatch(Array.from({ length: size }, () => ({ body: { url, body } })));
    }
    return Response.json({ enqueued: count });
  },

  async queue(batch) {
    let next = 0;
    const lane = async () => {
      while (next < batch.messages.length) {
        const message = batch.messages[next++];
        const response = await fetch(message.body.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: message.body.body,
        });
        await response.arrayBuffer();
        message.ack();
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT, batch.messages.length) }, lane));
  },
};
