/**
 * Bench-only worker: renders the product's sample body with the real template engine
 * (src/domain/template) and with a naive text replacement, each for a fixed time, inside
 * workerd. Also checks that the engine's output stays valid JSON with hostile values.
 *
 * workerd only advances Date.now() between I/O events, so the loops yield to a timer
 * after every chunk of renders to read the clock.
 */
import { compileTemplate, toTemplateValues } from '../../src/domain/template';

interface RenderRequest {
  body: string;
  /** Realistic event data sets, rendered in rotation so no output is a repeat of the last. */
  events: Record<string, unknown>[];
  hostileEvents: Record<string, unknown>[];
  durationMs: number;
  rounds: number;
}

const CHUNK = 200;
const yieldToClock = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Render = (values: Record<string, string>) => string;

async function loopFor(durationMs: number, valueSets: Record<string, string>[], render: Render) {
  let count = 0;
  let outputChars = 0; // consumed so the work cannot be optimised away
  const started = Date.now();
  let elapsed = 0;
  // Bounded even if the clock misbehaves: at most 1e8 renders per round.
  while (elapsed < durationMs && count < 1e8) {
    for (let i = 0; i < CHUNK; i++) outputChars += render(valueSets[(count + i) % valueSets.length]!).length;
    count += CHUNK;
    await yieldToClock();
    elapsed = Date.now() - started;
  }
  return { count, elapsedMs: elapsed, outputChars };
}

/** The naive renderer: String.replace of each {{name}} with the raw value (tags found once, like a compiled template). */
function naiveRenderer(body: string): Render {
  const names = [...body.matchAll(/\{\{([^{}]+)\}\}/g)].map((m) => m[1]!);
  const tags = names.map((name) => ({ tag: `{{${name}}}`, name }));
  return (values) => {
    let out = body;
    for (const { tag, name } of tags) out = out.replace(tag, () => values[name] ?? '');
    return out;
  };
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    const input = (await request.json()) as RenderRequest;
    const valueSets = input.events.map((e) => toTemplateValues(e));
    // What the consumer does per delivery: a cache lookup of the compiled template, then render.
    const engine: Render = (values) => compileTemplate(input.body, 'json').render(values);
    const naive = naiveRenderer(input.body);
    engine(valueSets[0]!);
    naive(valueSets[0]!);

    const totals = { engine: { count: 0, elapsedMs: 0 }, naive: { count: 0, elapsedMs: 0 } };
    const roundMs = input.durationMs / input.rounds;
    // Alternate the two so a slow phase of the machine hurts both alike.
    for (let round = 0; round < input.rounds; round++) {
      for (const [name, render] of [['engine', engine], ['naive', naive]] as const) {
        const result = await loopFor(roundMs, valueSets, render);
        totals[name].count += result.count;
        totals[name].elapsedMs += result.elapsedMs;
      }
    }

    let engineValid = 0;
    let engineRoundTrips = 0;
    let naiveValid = 0;
    for (const event of input.hostileEvents) {
      const values = toTemplateValues(event);
      const rendered = engine(values);
      if (isValidJson(rendered)) {
        engineValid++;
        const parsed = JSON.parse(rendered) as { data: Record<string, string> };
        if (parsed.data.call_id === values.call_id) engineRoundTrips++;
      }
      if (isValidJson(naive(values))) naiveValid++;
    }
    // Realistic outputs must be valid JSON too.
    const realisticValid = valueSets.every((values) => isValidJson(engine(values)));

    return Response.json({
      engine: totals.engine,
      naive: totals.naive,
      hostile: { total: input.hostileEvents.length, engineValid, engineRoundTrips, naiveValid },
      realisticValid,
    });
  },
};
