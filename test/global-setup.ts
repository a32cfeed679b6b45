import http from 'node:http';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  const server = http.createServer((req, res) => {
    res.writeHead(200); res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  project.provide('sinkPort', typeof addr === 'object' && addr ? addr.port : 0);
  return () => new Promise<void>((r) => server.close(() => r()));
}
