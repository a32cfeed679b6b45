/**
 * The health chart's times (src/console/pages/health-chart.tsx) are drawn in UTC on the server,
 * which does not know the reader's zone: relabel them here, as localizeTimes does for <time>.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';
const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayOf = (date: Date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;

function tspan(x: string, text: string, below: boolean): SVGTSpanElement {
  const node = document.createElementNS(SVG_NS, 'tspan');
  node.setAttribute('x', x);
  if (below) node.setAttribute('dy', '1.2em');
  node.textContent = text;
  return node;
}

export function localizeChartTimes(root: ParentNode): void {
  for (const chart of root.querySelectorAll<HTMLElement>('.health-chart')) {
    // Hours carry their date under the first label and wherever the (local) date changes.
    let previousDay: string | null = null;
    for (const label of chart.querySelectorAll<SVGTextElement>('text[data-time]')) {
      const date = new Date(label.dataset.time ?? '');
      if (isNaN(date.getTime())) continue;
      const x = label.getAttribute('x') ?? '0';
      const lines = label.dataset.bucket === 'day'
        ? [day.format(date), clock.format(date)]
        : [clock.format(date), ...(dayOf(date) === previousDay ? [] : [day.format(date)])];
      previousDay = dayOf(date);
      label.replaceChildren(...lines.map((text, i) => tspan(x, text, i > 0)));
    }
    const unit = chart.querySelector<SVGTextElement>('text[data-bucket]')?.dataset.bucket ?? 'hour';
    for (const bar of chart.querySelectorAll<SVGGElement>('g[data-point]')) {
      const start = new Date(bar.dataset.point ?? '');
      for (const segment of bar.querySelectorAll<SVGRectElement>('rect[data-outcome]')) {
        const title = segment.querySelector('title');
        if (title && !isNaN(start.getTime())) {
          title.textContent = `${segment.dataset.value} ${segment.dataset.words ?? segment.dataset.outcome}, ${unit} from ${day.format(start)} ${clock.format(start)}`;
        }
      }
    }
    const note = chart.querySelector('[data-chart-zone]');
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (note) note.textContent = `Times in your time zone${zone ? ` (${zone})` : ''}. Point at a bar for its numbers.`;
  }
}
