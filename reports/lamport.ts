// A message-flow (Lamport) diagram of a window of a run, drawn as inline SVG (no Graphviz): one
// vertical lane per client, node and service, time flowing down, one arrow per message from its
// sender at the time it was sent to its receiver at the time it arrived. Requests from clients
// are blue, replies green, errors red, messages between servers grey; a message the network
// dropped (partition, loss, a dead node) is a dashed red line ending in a cross halfway. Hovering
// an arrow shows the message. Pure: messages in (parseNetLog of a run's net.jsonl), HTML out.
import type { LoggedMessage } from '../src/providers/local/net-log.ts';
import { escapeHtml as h } from './escape.ts';

export interface LamportOptions {
  /** The window, in ns on the run's clock (messages sent in [from, to]). Default: the whole log. */
  from?: number;
  to?: number;
  /** At most this many messages, the earliest first (default 300). */
  maxMessages?: number;
  /** A title over the diagram. */
  title?: string;
}

const LANE = 96;
const TOP = 44;
const LEFT = 64;
const MIN_GAP = 13; // px between successive events, so labels do not sit on each other
const LINEAR_PX = 2000; // the linear part of the time scale spans at most this many px
const MAX_PX_PER_MS = 20;

/** Lane order: clients, then nodes, then services; numbers in numeric order. */
function laneOrder(ids: Iterable<string>): string[] {
  const rank = (id: string) => (/^c\d+$/.test(id) ? 0 : /^n\d+$/.test(id) ? 1 : 2);
  const num = (id: string) => Number(/\d+$/.exec(id)?.[0] ?? NaN);
  return [...new Set(ids)].sort((a, b) => rank(a) - rank(b) || (num(a) - num(b)) || (a < b ? -1 : a > b ? 1 : 0));
}

function colour(m: LoggedMessage): string {
  if (m.type === 'error') return '#b3261e';
  const client = /^c\d+$/.test(m.src) || /^c\d+$/.test(m.dest);
  if (!client) return '#6b7280';
  return m.inReplyTo !== undefined ? '#1f7a3d' : '#1d5fbf';
}

const ms = (ns: number) => (ns / 1e6).toFixed(ns < 1e10 ? 1 : 0);

/** The diagram as an HTML fragment (a <figure> with an inline <svg>). */
export function lamportDiagram(messages: readonly LoggedMessage[], o: LamportOptions = {}): string {
  const from = o.from ?? -Infinity;
  const to = o.to ?? Infinity;
  const inWindow = messages.filter((m) => m.sent >= from && m.sent <= to).sort((a, b) => a.sent - b.sent || a.id - b.id);
  const max = o.maxMessages ?? 300;
  const shown = inWindow.slice(0, max);
  const caption = `${o.title ? `${h(o.title)}: ` : ''}${shown.length} message${shown.length === 1 ? '' : 's'}${inWindow.length > shown.length ? ` (the first ${shown.length} of ${inWindow.length} in this window)` : ''}${shown.length ? `, sent from ${ms(shown[0].sent)} ms to ${ms(shown[shown.length - 1].sent)} ms` : ''}.`;
  if (shown.length === 0) return `<figure class="lamport"><figcaption>${caption}</figcaption></figure>`;

  const lanes = laneOrder(shown.flatMap((m) => [m.src, m.dest]));
  const x = new Map(lanes.map((id, i) => [id, LEFT + i * LANE + LANE / 2]));
  // Time maps to y piecewise: at least MIN_GAP px between successive events, otherwise linear, so
  // bursts stay readable and quiet stretches do not take the whole page.
  const times = [...new Set(shown.flatMap((m) => [m.sent, ...m.recv]))].sort((a, b) => a - b);
  const span = times[times.length - 1] - times[0] || 1;
  const pxPerNs = Math.min(LINEAR_PX / span, MAX_PX_PER_MS / 1e6);
  const yOf = new Map<number, number>();
  let y = TOP;
  let prev = times[0];
  for (const t of times) {
    y += Math.max(t === times[0] ? 0 : MIN_GAP, (t - prev) * pxPerNs);
    yOf.set(t, y);
    prev = t;
  }
  const height = y + 30;
  const width = LEFT + lanes.length * LANE + 20;

  const parts: string[] = [];
  for (const id of lanes) {
    const lx = x.get(id)!;
    parts.push(`<text x="${lx}" y="${TOP - 22}" text-anchor="middle" font-weight="600">${h(id)}</text>`);
    parts.push(`<line x1="${lx}" y1="${TOP - 14}" x2="${lx}" y2="${height - 10}" stroke="#c9ced6" stroke-width="1"/>`);
  }
  // Time ticks on the left, about every 60 px.
  let lastTick = -Infinity;
  for (const t of times) {
    const ty = yOf.get(t)!;
    if (ty - lastTick < 60) continue;
    lastTick = ty;
    parts.push(`<text x="${LEFT - 8}" y="${ty + 3}" text-anchor="end" fill="#5a6272" font-size="10">${ms(t)} ms</text>`);
  }
  for (const m of shown) {
    const x1 = x.get(m.src)!;
    const x2 = x.get(m.dest)!;
    const y1 = yOf.get(m.sent)!;
    const c = m.dropped ? '#b3261e' : colour(m);
    const tip = `${m.src} → ${m.dest} at ${ms(m.sent)} ms${m.recv.length ? `, received at ${m.recv.map(ms).join(' and ')} ms` : m.dropped ? `, dropped (${m.dropped})` : ', not received'}\n${m.body}`;
    const label = `${m.type}${m.msgId !== undefined ? ` #${m.msgId}` : ''}${m.inReplyTo !== undefined ? ` ↩${m.inReplyTo}` : ''}`;
    if (m.recv.length === 0) {
      const xm = (x1 + x2) / 2;
      const ym = y1 + MIN_GAP;
      parts.push(`<g><title>${h(tip)}</title><line x1="${x1}" y1="${y1}" x2="${xm}" y2="${ym}" stroke="${c}" stroke-dasharray="4 3"/><text x="${xm}" y="${ym + 4}" text-anchor="middle" fill="${c}" font-size="13">✕</text><text x="${(x1 + xm) / 2}" y="${(y1 + ym) / 2 - 3}" text-anchor="middle" fill="${c}" font-size="10">${h(label)}</text></g>`);
      continue;
    }
    for (const r of m.recv) {
      const y2 = yOf.get(r) ?? y1;
      parts.push(`<g><title>${h(tip)}</title><line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${c}" stroke-width="1.3" marker-end="url(#lamport-arrow-${c.slice(1)})"/><text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 3}" text-anchor="middle" fill="${c}" font-size="10">${h(label)}</text></g>`);
    }
  }
  const markers = ['#b3261e', '#6b7280', '#1f7a3d', '#1d5fbf']
    .map((c) => `<marker id="lamport-arrow-${c.slice(1)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`)
    .join('');
  return `<figure class="lamport" style="margin:0;overflow:auto;max-height:80vh">
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif" font-size="12"><defs>${markers}</defs>${parts.join('')}</svg>
<figcaption>${caption} Blue: client requests; green: replies; red: errors and dropped messages; grey: between servers. Hover an arrow for the message.</figcaption>
</figure>`;
}

/** A window to show when there is nothing in particular to look at: the first `spanNs` of
 *  client traffic (after init and set-up messages such as topology). */
export function firstActivity(messages: readonly LoggedMessage[], spanNs = 1e9): { from: number; to: number } {
  const first = messages.find((m) => /^c\d+$/.test(m.src) && m.type !== 'topology') ?? messages[0];
  const from = first?.sent ?? 0;
  return { from, to: from + spanNs };
}

/** The window of about `spanNs` around a moment of the run (an op's time), for lamportDiagram. */
export function windowAround(timeNs: number, spanNs = 1e9): { from: number; to: number } {
  return { from: Math.max(0, timeNs - spanNs / 2), to: timeNs + spanNs / 2 };
}
