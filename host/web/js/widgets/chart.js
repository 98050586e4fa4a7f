// The one chart of the page: stacked bars per time bucket on a time axis, value ticks, an optional 0–100
// line (the score) on its own axis, a legend, and the same figures as a table for screen readers.
import { el, svg } from '../dom.js';

const HEIGHT = 190;
const PAD = { top: 10, right: 40, bottom: 36, left: 40 };
const DAY_MS = 86_400_000;

/** Round numbers for the value axis: 0, a step, 2 steps… up to at least `max`. */
function valueTicks(max) {
  const raw = Math.max(1, max) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks.length > 1 ? ticks : [0, step];
}

/** A bucket's start in words: its date for day buckets, else its time and, when asked, its date. */
function bucketLabel(iso, bucketMs, withDate = true) {
  const d = new Date(iso);
  const date = d.toLocaleDateString([], { month: 'short', day: 'numeric' });
  if (bucketMs >= DAY_MS) return date;
  const time = d.toLocaleTimeString(
    [],
    bucketMs % 3_600_000 === 0 ? { hour: 'numeric' } : { hour: 'numeric', minute: '2-digit' },
  );
  return withDate ? `${date} ${time}` : time;
}

/**
 * A chart of `buckets` (every bucket of the window, empty ones included: `{at, [series key]: number}`),
 * `bars` stacked in order, and `line` (0–100, null where there is no value).
 * @param {{title: string, buckets: object[], bucketMs: number, bars: {key: string, label: string}[],
 *   line?: {key: string, label: string}, unit: string, width?: number}} spec
 */
export function timeChart(spec) {
  const { title, buckets, bucketMs, bars, line, unit } = spec;
  const width = Math.max(300, spec.width ?? 800);
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const total = (b) => bars.reduce((s, bar) => s + (b[bar.key] ?? 0), 0);
  const ticks = valueTicks(Math.max(0, ...buckets.map(total)));
  const top = ticks[ticks.length - 1];
  const step = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, step * 0.8);
  const y = (v) => PAD.top + plotH - (v / top) * plotH;

  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${HEIGHT}`,
    width: '100%',
    height: HEIGHT,
    role: 'img',
    'aria-label': `${title}: ${buckets.length} buckets; the table below gives every value`,
    class: 'chart',
  });
  for (const v of ticks) {
    chart.append(svg('line', { x1: PAD.left, x2: PAD.left + plotW, y1: y(v), y2: y(v), class: 'grid' }));
    const label = svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = String(v);
    chart.append(label);
  }
  // Time labels at least 64 px apart, on whole buckets; the date under the first and where the day changes.
  const every = Math.max(1, Math.ceil(64 / step));
  let lastDay = '';
  buckets.forEach((b, i) => {
    const x = PAD.left + i * step;
    let base = 0;
    for (const bar of bars) {
      const v = b[bar.key] ?? 0;
      if (v > 0) {
        chart.append(
          svg(
            'rect',
            {
              x: x + (step - barW) / 2,
              y: y(base + v),
              width: barW,
              height: y(base) - y(base + v),
              class: bar.key,
            },
            `${bucketLabel(b.at, bucketMs)}: ${v} ${bar.label}`,
          ),
        );
      }
      base += v;
    }
    if (i % every === 0) {
      const anchor = i === 0 ? 'start' : 'middle';
      chart.append(
        svg('line', { x1: x, x2: x, y1: PAD.top + plotH, y2: PAD.top + plotH + 4, class: 'axis' }),
      );
      const label = svg('text', { x, y: PAD.top + plotH + 16, 'text-anchor': anchor, class: 'tick time' });
      label.textContent = bucketLabel(b.at, bucketMs, false);
      chart.append(label);
      const day = new Date(b.at).toDateString();
      if (bucketMs < DAY_MS && day !== lastDay) {
        const date = svg('text', { x, y: PAD.top + plotH + 30, 'text-anchor': anchor, class: 'tick date' });
        date.textContent = new Date(b.at).toLocaleDateString([], { month: 'short', day: 'numeric' });
        chart.append(date);
        lastDay = day;
      }
    }
  });
  chart.append(
    svg('line', {
      x1: PAD.left,
      x2: PAD.left + plotW,
      y1: PAD.top + plotH,
      y2: PAD.top + plotH,
      class: 'axis',
    }),
  );
  if (line) drawLine(chart, buckets, line, { step, plotW, plotH, bucketMs });
  return el(
    'figure',
    { class: 'chart-figure' },
    chart,
    el(
      'figcaption',
      {},
      ...bars.flatMap((bar) => [el('span', { class: `key ${bar.key}` }), ` ${bar.label} `]),
      line ? [el('span', { class: `key ${line.key}` }), ` ${line.label} (right axis, 0–100)`] : [],
      el('span', { class: 'muted', text: ` · ${unit}` }),
    ),
    chartTable(title, buckets, bars, line, bucketMs),
  );
}

function drawLine(chart, buckets, line, { step, plotW, plotH, bucketMs }) {
  const ly = (v) => PAD.top + plotH - (v / 100) * plotH;
  for (const v of [0, 50, 100]) {
    const t = svg('text', { x: PAD.left + plotW + 6, y: ly(v) + 4, class: `tick ${line.key}` });
    t.textContent = String(v);
    chart.append(t);
  }
  // Consecutive buckets with a value are joined; a bucket without one breaks the line.
  let run = [];
  const flush = () => {
    if (run.length > 1) chart.append(svg('polyline', { points: run.join(' '), class: `line ${line.key}` }));
    run = [];
  };
  buckets.forEach((b, i) => {
    const v = b[line.key];
    if (v === null || v === undefined) return flush();
    const [x, yv] = [PAD.left + i * step + step / 2, ly(v)];
    run.push(`${x},${yv}`);
    chart.append(
      svg(
        'circle',
        { cx: x, cy: yv, r: 4, class: `point ${line.key}` },
        `${bucketLabel(b.at, bucketMs)}: ${line.label} ${v}`,
      ),
    );
  });
  flush();
}

/** The chart's figures as a table (folded), every bucket a row: what a screen reader reads. */
function chartTable(title, buckets, bars, line, bucketMs) {
  const columns = [...bars, ...(line ? [line] : [])];
  return el(
    'details',
    { class: 'chart-table' },
    el('summary', { text: 'Show as a table' }),
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${title} as a table` },
      el(
        'table',
        {},
        el('caption', { class: 'visually-hidden', text: title }),
        el(
          'thead',
          {},
          el('tr', {}, el('th', { text: 'Time' }), ...columns.map((c) => el('th', { text: c.label }))),
        ),
        el(
          'tbody',
          {},
          ...buckets.map((b) =>
            el(
              'tr',
              {},
              el('td', { text: bucketLabel(b.at, bucketMs) }),
              ...columns.map((c) =>
                el('td', { text: b[c.key] === null || b[c.key] === undefined ? '–' : String(b[c.key]) }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
