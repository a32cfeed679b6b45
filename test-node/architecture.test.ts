/**
 * The layering rules of src/, checked on the source itself: arrows between top-level folders
 * point one way only (no cycles), and the domain depends on nothing but pure leaves.
 * A "folder" is the first path segment under src/, with `catalog.ts` and `catalog/` (and any
 * other top-level file) counted as one module named without its extension. The console's
 * browser code (src/console/browser) is a module of its own: it is bundled into the page, a
 * program apart from the Worker, and may take only types from the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const SOURCE = /\.(ts|tsx|js|mjs)$/;
// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`; group 1 marks
// `import type` / `export type`, which compilers and bundlers erase.
const IMPORT = /\b(?:import|export)\s+(type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g;
const BROWSER = 'console/browser';

/** The domain may use only these besides itself: data and pure helpers with no I/O. */
const DOMAIN_MAY_IMPORT = new Set(['catalog', 'crypto', 'lib']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** src/http/routes/x.ts → "http"; src/catalog.ts → "catalog"; src/console/browser/lib/x.ts → "console/browser". */
function moduleOf(path: string): string {
  const segments = relative(SRC, path).split(sep);
  if (segments.slice(0, 2).join('/') === BROWSER && segments.length > 2) return BROWSER;
  const first = segments[0]!;
  return first.slice(0, first.length - extname(first).length) || first;
}

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
  /** `import type`: gone once compiled, so nothing of the target runs where the source runs. */
  typeOnly: boolean;
}

function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[2] ?? match[3] ?? match[4]!;
      if (!specifier.startsWith('.')) continue; // a package
      const target = resolve(dirname(file), specifier);
      const rel = relative(SRC, target);
      if (rel.startsWith('..')) throw new Error(`${relative(SRC, file)} imports ${specifier}, outside src/`);
      edges.push({ from: moduleOf(file), to: moduleOf(target), file: relative(SRC, file), specifier, typeOnly: match[1] !== undefined });
    }
  }
  return edges;
}

/** One cycle of the graph as a path (first node repeated at the end), or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

describe('architecture of src/', () => {
  const edges = importEdges();
  const between = edges.filter((edge) => edge.from !== edge.to);
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of between) graph.set(from, (graph.get(from) ?? new Set()).add(to));
  const witness = (from: string, to: string) => between.find((edge) => edge.from === from && edge.to === to)!;

  it('reads the imports it is meant to check', () => {
    // Known arrows: if the pattern stopped matching, the checks below would pass on nothing.
    const known: [string, string][] = [
      ['http', 'auth'], ['console', 'auth'], ['auth', 'db'], ['http', 'domain'], ['db', 'domain'], ['index', 'http'], [BROWSER, 'http'], [BROWSER, 'domain'],
    ];
    for (const [from, to] of known) {
      expect(graph.get(from)?.has(to), `${from} → ${to}`).toBe(true);
    }
  });

  it('has no cycle between top-level folders', () => {
    const cycle = findCycle(graph);
    const explained = cycle?.slice(1).map((to, i) => {
      const edge = witness(cycle[i]!, to);
      return `${edge.from} → ${edge.to} (${edge.file} imports ${edge.specifier})`;
    });
    expect(explained ?? null).toBeNull();
  });

  it('keeps the domain free of I/O: it imports only itself, the catalog, pure crypto helpers and lib', () => {
    const outward = between.filter((edge) => edge.from === 'domain' && !DOMAIN_MAY_IMPORT.has(edge.to));
    expect(outward.map((edge) => `${edge.file} imports ${edge.specifier}`)).toEqual([]);
    // …and those leaves import nothing else of src but each other, so nothing reaches I/O through them.
    const leavesOut = between.filter((edge) => DOMAIN_MAY_IMPORT.has(edge.from) && !DOMAIN_MAY_IMPORT.has(edge.to));
    expect(leavesOut.map((edge) => `${edge.file} imports ${edge.specifier}`)).toEqual([]);
  });

  it('lets the browser code take only types from the server (`import type`), so no server code or zod reaches the page', () => {
    // `import { type X }` is not enough: with verbatimModuleSyntax the bundler keeps it as `import '…'`.
    const runtime = between.filter((edge) => edge.from === BROWSER && !edge.typeOnly);
    expect(runtime.map((edge) => `${edge.file} imports ${edge.specifier}`)).toEqual([]);
    expect(between.some((edge) => edge.from === BROWSER && edge.typeOnly)).toBe(true);
  });

  it('serves the browser code only as built assets: no server module imports it', () => {
    const inward = between.filter((edge) => edge.to === BROWSER);
    expect(inward.map((edge) => `${edge.file} imports ${edge.specifier}`)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const cyclic = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]);
    expect(findCycle(cyclic)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toBeNull();
  });
});
