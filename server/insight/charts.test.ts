import { describe, expect, it } from 'vitest';
import { AXIS_LABEL_SPACING, barChart, lineChart, shownAxisLabels } from './charts.js';
import { tableBars } from './page-charts.js';

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
/** Just enough of the SVG to check: root attributes and the text of elements by name. */
const parse = (svg: string) => ({
  getAttribute: (name: string) => new RegExp(`^<svg[^>]* ${name}="([^"]*)"`).exec(svg)?.[1] ?? null,
  querySelector: (tag: string) => ({ textContent: decode(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(svg)?.[1] ?? '') }),
  querySelectorAll: (tag: string) => {
    if (tag === 'path[stroke-dasharray]') return [...svg.matchAll(/<path[^>]*stroke-dasharray[^>]*>/g)].map((m) => ({ textContent: m[0] }));
    // text, including tspans
    return [...svg.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => ({ textContent: decode(m[1].replace(/<[^>]+>/g, '')) }));
  },
});

describe('charts', () => {
  it('are accessible images with a title and a description, and no style attributes', () => {
    const svg = barChart({ id: 'c1', title: 'Reasons <not> given', desc: 'Bar chart & more', categories: ['A', 'B'], series: [{ name: 'FGCs', values: [3, null] }], format: String });
    const el = parse(svg);
    expect(el.getAttribute('role')).toBe('img');
    expect(el.getAttribute('aria-labelledby')).toBe('c1-title c1-desc');
    expect(el.querySelector('title')!.textContent).toBe('Reasons <not> given');
    expect(el.querySelector('desc')!.textContent).toBe('Bar chart & more');
    expect(svg).not.toMatch(/style=/);
    expect(svg).not.toMatch(/<script/);
  });

  it('label every bar with its value and series, so colour is not needed', () => {
    const svg = barChart({ id: 'c2', title: 'T', desc: 'D', categories: ['White', 'Black'], series: [{ name: 'Comparison', values: [0.8, 0.1] }, { name: 'Referred', values: [0.3, 0.4] }], format: (v) => `${v * 100}%` });
    const texts = [...parse(svg).querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['80% comparison', '30% referred', '10% comparison', '40% referred', 'Comparison', 'Referred']));
    expect(svg).toContain('url(#c2-hatch)'); // the second series is hatched as well as coloured
  });

  it('draw lines with different dashes and name each at its end', () => {
    const svg = lineChart({ id: 'l', title: 'T', desc: 'D', labels: ['Jan 2024', 'Feb 2024', 'Mar 2024'], series: [{ name: 'Referrals', values: [1, 5, 3] }, { name: 'Conferences', values: [0, null, 2] }], format: String, yLabel: 'FGCs' });
    const el = parse(svg);
    expect(el.querySelectorAll('path[stroke-dasharray]').length).toBe(1);
    const texts = [...el.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Referrals: 3', 'Conferences: 2', 'Jan 2024', 'Mar 2024']));
  });

  it('are drawn from the table they sit beside', () => {
    const svg = tableBars({ id: 't', title: 'Reasons', columns: [{ key: 'r', header: 'R', kind: 'label' }, { key: 'n', header: 'N', kind: 'count' }], rows: [{ cells: { r: 'One', n: 2 } }, { cells: { r: 'Total', n: 2 }, total: true }] }, [{ key: 'n', name: 'FGCs' }], 'count');
    const el = parse(svg);
    expect(el.querySelector('desc')!.textContent).toBe('Bar chart. One: 2. The same figures are in the table.');
    expect(el.querySelector('title')!.textContent).toBe('Reasons');
  });

  it('space the x axis labels evenly back from the last, never crowding the last two', () => {
    for (const count of [2, 3, 11, 12, 13, 23, 24, 25, 36]) {
      for (const width of [300, 530, 700]) {
        const shown = shownAxisLabels(count, width);
        const gap = width / (count - 1);
        expect(shown.at(-1), `${count} labels in ${width}`).toBe(count - 1);
        const steps = shown.slice(1).map((v, i) => v - shown[i]);
        expect(new Set(steps).size, `${count} labels in ${width}: even steps ${steps}`).toBeLessThanOrEqual(1);
        for (const s of steps) expect(s * gap, `${count} labels in ${width}`).toBeGreaterThanOrEqual(AXIS_LABEL_SPACING);
      }
    }
    // 24 months: every other month, ending with the last
    const svg = lineChart({ id: 'm', title: 'T', desc: 'D', labels: Array.from({ length: 24 }, (_, i) => `M${i + 1}`), series: [{ name: 'Referrals', values: Array(24).fill(1) }], format: String, yLabel: 'FGCs' });
    const axis = [...svg.matchAll(/<text[^>]*transform="rotate[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(axis.at(-1)).toBe('M24');
    expect(axis).not.toContain('M23');
  });

  it('put the legend on rows of its own, above the name of the y axis', () => {
    const series = ['Referrals', 'Initial conferences', 'Reviews', 'A fourth line with a long name'].map((name) => ({ name, values: [1, 2] }));
    for (const n of [1, 2, 3, 4]) {
      const svg = lineChart({ id: 'g', title: 'T', desc: 'D', labels: ['Jan', 'Feb'], series: series.slice(0, n), format: String, yLabel: 'Median days' });
      const legendYs = [...svg.matchAll(/<text[^>]*y="([\d.]+)"[^>]*class="[^"]*app-chart__legend/g)].map((m) => Number(m[1]));
      const titleY = Number(/<text[^>]*y="([\d.]+)"[^>]*class="[^"]*app-chart__axis-title/.exec(svg)![1]);
      const firstGridLabel = Math.min(...[...svg.matchAll(/<text[^>]*y="([\d.]+)"[^>]*text-anchor="end" class="app-chart__axis">/g)].map((m) => Number(m[1])));
      expect(legendYs).toHaveLength(n);
      // 14px legend text, 12px axis text: baselines at least a line apart, in order
      expect(titleY - Math.max(...legendYs), `${n} series`).toBeGreaterThanOrEqual(20);
      expect(firstGridLabel - titleY, `${n} series`).toBeGreaterThanOrEqual(14);
      // legend items on one row do not run into each other (about 8 units a character)
      const items = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" class="[^"]*app-chart__legend">([^<]*)</g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: 8 * m[3].length }));
      for (const a of items) for (const b of items) if (a !== b && a.y === b.y && a.x < b.x) expect(a.x + a.w, `${n} series`).toBeLessThan(b.x);
    }
  });
});
