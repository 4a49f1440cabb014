import { describe, expect, it } from 'vitest';
import { stageByKey, stageForEpisode } from './stages.js';

describe('a stage form for one episode', () => {
  const closure = stageByKey('closure')!;
  const names = (held: string | null) => stageForEpisode(closure, { initial_fgc_date: held }).fields.map((f) => f.name);

  it('asks why the episode closed when a conference was held, and why none took place when not: never both', () => {
    expect(names('2026-01-10')).toContain('closure_reason');
    expect(names('2026-01-10')).not.toContain('fgc_not_held_reason');
    expect(names(null)).toContain('fgc_not_held_reason');
    expect(names(null)).not.toContain('closure_reason');
  });

  it('leaves the other stages as they are', () => {
    for (const key of ['offer', 'consent', 'conference', 'plan']) {
      const stage = stageByKey(key)!;
      expect(stageForEpisode(stage, { initial_fgc_date: null })).toBe(stage);
    }
  });
});
