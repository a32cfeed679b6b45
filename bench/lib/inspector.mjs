/**
 * A minimal DevTools-protocol client for one worker isolate in workerd (Node's built-in
 * WebSocket): enough to read the isolate's V8 heap, which is what the 128 MB Worker limit
 * applies to — the workerd process's RSS also holds D1, Queues and every other worker.
 */
export async function connectToWorker(inspectorUrl, workerName) {
  const targets = await (await fetch(new URL('/json', inspectorUrl))).json();
  const target = targets.find((t) => t.title === `workerd: worker core:user:${workerName}`);
  if (!target) throw new Error(`no inspector target for worker ${workerName}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 0;
  const pending = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    const settle = pending.get(message.id);
    if (!settle) return;
    pending.delete(message.id);
    if (message.error) settle.reject(new Error(message.error.message));
    else settle.resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    /** Bytes of V8 heap in use (live objects and garbage not yet collected). */
    heapUsed: async () => (await send('Runtime.getHeapUsage')).usedSize,
    close: () => socket.close(),
  };
}
