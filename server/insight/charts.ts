// Charts drawn on the server as SVG: no JavaScript, and no style attributes (the content
// security policy blocks them), only presentation attributes and app-chart-* classes.
// Each chart has a title and a description for screen readers, and the same figures are
// always in a table beside it. Every bar and line carries its value and series name as
// text, and series differ by pattern or line style as well as colour, so nothing depends on
// colour alone and the charts print in black and white.

export interface Series {
  name: string;
  values: (number | null)[];
}

export interface ChartText {
  /** unique on the page: used for the ids of the title, description and patterns */
  id: string;
  title: string;
  desc: string;
}

/** "Referred" -> "referred", but "FGCs" stays "FGCs". */
export const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (x: number) => (Math.round(x * 10) / 10).toString();

/** Series styles: fill colour, pattern (for bars), dash and marker (for lines). */
const STYLES = [
  { colour: '#1d70b8', pattern: null, dash: null, marker: 'circle' },
  { colour: '#0b0c0c', pattern: 'hatch', dash: '8 4', marker: 'square' },
  { colour: '#d4351c', pattern: 'dots', dash: '2 4', marker: 'triangle' },
  { colour: '#00703c', pattern: 'cross', dash: '12 4 2 4', marker: 'diamond' },
] as const;

function patternDefs(id: string): string {
  return `<defs>
<pattern id="${id}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#0b0c0c" stroke-width="4"/></pattern>
<pattern id="${id}-dots" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.8" fill="#d4351c"/></pattern>
<pattern id="${id}-cross" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ffffff"/><path d="M0 0L8 8M8 0L0 8" stroke="#00703c" stroke-width="1.5"/></pattern>
</defs>`;
}

function fillFor(id: string, i: number): string {
  const s = STYLES[i % STYLES.length];
  return s.pattern ? `url(#${id}-${s.pattern})` : s.colour;
}

function open(t: ChartText, width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${t.id}-title ${t.id}-desc" focusable="false" preserveAspectRatio="xMinYMin meet">`
    + `<title id="${t.id}-title">${esc(t.title)}</title><desc id="${t.id}-desc">${esc(t.desc)}</desc>`;
}

/** Wraps a label onto lines of at most `max` characters (at most 3 lines). */
function wrap(label: string, max: number): string[] {
  const words = label.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (line + ' ' + w).length > max) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  if (lines.length > 3) return [...lines.slice(0, 2), `${lines.slice(2).join(' ').slice(0, max - 1)}…`];
  return lines;
}

/** Width a legend item takes: its key, its name (about 8 units a character at 14px) and a gap. */
const legendItemWidth = (name: string, kind: 'bar' | 'line') => (kind === 'bar' ? 22 : 30) + 8 * name.length + 30;

/** The legend's items in rows that fit `width`. */
function legendLayout(series: Series[], width: number): Series[][] {
  const rows: Series[][] = [[]];
  let used = 0;
  for (const s of series) {
    const w = legendItemWidth(s.name, 'line');
    if (used + w > width && rows[rows.length - 1].length) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1].push(s);
    used += w;
  }
  return rows;
}

function legend(t: ChartText, series: Series[], x: number, y: number, kind: 'bar' | 'line', all: Series[] = series): string {
  let out = '';
  let cx = x;
  series.forEach((s) => {
    const i = all.indexOf(s);
    const st = STYLES[i % STYLES.length];
    if (kind === 'bar') out += `<rect x="${cx}" y="${y - 12}" width="16" height="16" fill="${fillFor(t.id, i)}" stroke="${st.colour}" stroke-width="1"/>`;
    else out += `<line x1="${cx}" y1="${y - 4}" x2="${cx + 24}" y2="${y - 4}" stroke="${st.colour}" stroke-width="3"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>${marker(st.marker, cx + 12, y - 4, st.colour)}`;
    const w = kind === 'bar' ? 22 : 30;
    out += `<text x="${cx + w}" y="${y}" class="app-chart__label app-chart__legend">${esc(s.name)}</text>`;
    cx += legendItemWidth(s.name, kind);
  });
  return out;
}

function marker(kind: string, x: number, y: number, colour: string): string {
  switch (kind) {
    case 'square':
      return `<rect x="${n(x - 4)}" y="${n(y - 4)}" width="8" height="8" fill="${colour}"/>`;
    case 'triangle':
      return `<path d="M${n(x)} ${n(y - 5)}L${n(x + 5)} ${n(y + 4)}L${n(x - 5)} ${n(y + 4)}Z" fill="${colour}"/>`;
    case 'diamond':
      return `<path d="M${n(x)} ${n(y - 5)}L${n(x + 5)} ${n(y)}L${n(x)} ${n(y + 5)}L${n(x - 5)} ${n(y)}Z" fill="${colour}"/>`;
    default:
      return `<circle cx="${n(x)}" cy="${n(y)}" r="4" fill="${colour}"/>`;
  }
}

export interface BarChartInput extends ChartText {
  categories: string[];
  series: Series[];
  /** text for a value, e.g. "12.5%" */
  format: (v: number) => string;
  /** fixed top of the scale (e.g. 1 for shares); default the largest value */
  max?: number;
}

/**
 * Horizontal bars, one group per category, one bar per series. Each bar is labelled with
 * its value (and, when there is more than one series, the series name).
 */
export function barChart(input: BarChartInput): string {
  const { categories, series, format } = input;
  const labelWidth = 230;
  const width = 760;
  const plotWidth = width - labelWidth - 150;
  const barHeight = 18;
  const gap = 4;
  const groupGap = 14;
  const legendHeight = series.length > 1 ? 30 : 0;
  const groupHeight = (lines: number) => Math.max(series.length * (barHeight + gap) - gap, lines * 16);
  const wrapped = categories.map((c) => wrap(c, 30));
  const height = legendHeight + wrapped.reduce((sum, l) => sum + groupHeight(l.length) + groupGap, 0) + 10;
  const max = input.max ?? Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const scale = (v: number) => (max > 0 ? (Math.max(0, v) / max) * plotWidth : 0);
  let out = open(input, width, height) + patternDefs(input.id);
  if (series.length > 1) out += legend(input, series, labelWidth, 20, 'bar');
  let y = legendHeight;
  categories.forEach((_, ci) => {
    const lines = wrapped[ci];
    const gh = groupHeight(lines.length);
    const ly = y + gh / 2 - ((lines.length - 1) * 16) / 2 + 5;
    out += `<text x="${labelWidth - 10}" y="${n(ly)}" text-anchor="end" class="app-chart__label">${lines.map((l, i) => `<tspan x="${labelWidth - 10}" dy="${i === 0 ? 0 : 16}">${esc(l)}</tspan>`).join('')}</text>`;
    series.forEach((s, si) => {
      const v = s.values[ci];
      const by = y + si * (barHeight + gap);
      const w = v === null ? 0 : scale(v);
      const st = STYLES[si % STYLES.length];
      if (v !== null && w > 0) out += `<rect x="${labelWidth}" y="${by}" width="${n(w)}" height="${barHeight}" fill="${fillFor(input.id, si)}" stroke="${st.colour}" stroke-width="1"/>`;
      const text = v === null ? 'no figure' : format(v);
      const who = series.length > 1 ? ` ${lowerFirst(s.name)}` : '';
      out += `<text x="${n(labelWidth + w + 6)}" y="${by + barHeight - 4}" class="app-chart__value">${esc(text + who)}</text>`;
    });
    y += gh + groupGap;
  });
  out += `<line x1="${labelWidth}" y1="${legendHeight}" x2="${labelWidth}" y2="${height - 10}" stroke="#0b0c0c" stroke-width="1"/>`;
  return out + '</svg>';
}

export interface LineChartInput extends ChartText {
  /** x axis labels, one per point (e.g. months) */
  labels: string[];
  series: Series[];
  format: (v: number) => string;
  /** name of the y axis, e.g. "FGCs" */
  yLabel: string;
}

/** Horizontal space an axis label needs between its anchor and the next one's (rotated 40 degrees, 12px text). */
export const AXIS_LABEL_SPACING = 36;

/**
 * Which x axis labels to show: evenly spaced, counted back from the last (so the last is always
 * shown and never crowds the one before it), at least AXIS_LABEL_SPACING apart.
 */
export function shownAxisLabels(count: number, plotWidth: number): number[] {
  if (count <= 1) return count ? [0] : [];
  const gap = plotWidth / (count - 1);
  const every = Math.max(1, Math.ceil(AXIS_LABEL_SPACING / gap), Math.ceil(count / 12));
  const shown: number[] = [];
  for (let i = count - 1; i >= 0; i -= every) shown.unshift(i);
  return shown;
}

/**
 * Lines over time; each line differs by dash and marker as well as colour and is named at its
 * last point. The legend has a row of its own above the plot, and the y axis's name a row below
 * it, so they never overlap.
 */
export function lineChart(input: LineChartInput): string {
  const { labels, series, format } = input;
  const width = 760;
  const left = 60;
  const right = 170;
  const legendRows = legendLayout(series, width - left - 10);
  const top = 30 + legendRows.length * 24 + 20;
  const bottom = 70;
  const height = top + 230 + bottom;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const rawMax = Math.max(1, ...values);
  const step = niceStep(rawMax / 4);
  const max = Math.ceil(rawMax / step) * step;
  const x = (i: number) => left + (labels.length <= 1 ? plotW / 2 : (i / (labels.length - 1)) * plotW);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  let out = open(input, width, height);
  legendRows.forEach((row, r) => (out += legend(input, row, left, 20 + r * 24, 'line', series)));
  for (let v = 0; v <= max + 1e-9; v += step) {
    out += `<line x1="${left}" y1="${n(y(v))}" x2="${left + plotW}" y2="${n(y(v))}" stroke="#b1b4b6" stroke-width="1"/>`;
    out += `<text x="${left - 8}" y="${n(y(v) + 5)}" text-anchor="end" class="app-chart__axis">${esc(format(v))}</text>`;
  }
  out += `<text x="${left - 50}" y="${top - 14}" class="app-chart__axis app-chart__axis-title">${esc(input.yLabel)}</text>`;
  for (const i of shownAxisLabels(labels.length, plotW)) {
    out += `<text x="${n(x(i))}" y="${top + plotH + 20}" text-anchor="end" transform="rotate(-40 ${n(x(i))} ${top + plotH + 20})" class="app-chart__axis">${esc(labels[i])}</text>`;
  }
  series.forEach((s, si) => {
    const st = STYLES[si % STYLES.length];
    const pts = s.values.map((v, i) => (v === null ? null : [x(i), y(v)] as const));
    let d = '';
    let pen = false;
    for (const p of pts) {
      if (!p) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${n(p[0])} ${n(p[1])}`;
      pen = true;
    }
    if (d) out += `<path d="${d}" fill="none" stroke="${st.colour}" stroke-width="3"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`;
    for (const p of pts) if (p) out += marker(st.marker, p[0], p[1], st.colour);
  });
  // each line named at its last point, the names moved apart so they never overlap
  const ends = series.flatMap((s) => {
    const last = s.values.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0).pop();
    return last === undefined ? [] : [{ x: x(last) + 10, y: y(s.values[last]!) + 5, text: `${s.name}: ${format(s.values[last]!)}` }];
  }).sort((a, b) => a.y - b.y);
  for (let i = 1; i < ends.length; i++) if (ends[i].y - ends[i - 1].y < 15) ends[i].y = ends[i - 1].y + 15;
  for (const e of ends) out += `<text x="${n(e.x)}" y="${n(e.y)}" class="app-chart__value">${esc(e.text)}</text>`;
  return out + '</svg>';
}

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}
