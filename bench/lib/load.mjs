/** Closed-loop HTTP load with autocannon: a fixed number of keep-alive connections for a fixed time. */
import autocannon from 'autocannon';

/**
 * Returns successful requests per second (2xx over the measured wall time), latency
 * percentiles in ms, and the counts needed to check the run was clean. `requests` (optional):
 * a sequence each connection cycles through (autocannon's option), e.g. one per account.
 */
export async function measureLoad({ url, method = 'GET', headers = {}, body, requests, connections, durationSec }) {
  const result = await autocannon({
    url,
    method,
    headers,
    body,
    ...(requests ? { requests } : {}),
    connections,
    pipelining: 1,
    duration: durationSec,
    // Bounded: a request that hangs counts as a timeout instead of stalling the run.
    timeout: 30,
  });
  const ok = result['2xx'];
  return {
    requestsPerSec: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    durationSec: result.duration,
  };
}
