// The wall's playlist from the URL, its alarm override, the alerts list, and colours by direction.
import { describe, expect, it } from 'vitest';
import { buildAlerts, newlyBad, statusSnapshot } from '../../web/lib/alerts.ts';
import { changeTone, compareTone } from '../../web/lib/kpi.ts';
import { parsePlaylist, startIndex } from '../../web/lib/playlist.ts';

const TODAY = '2026-11-26';
const IDS = ['direction', 'services', 'index766', 'payments'];

describe('parsePlaylist', () => {
  it('defaults to the overview then every subsystem, 20 s each', () => {
    const s = parsePlaylist(new URLSearchParams(), IDS, TODAY);
    expect(s.map((x) => x.id)).toEqual(['overview', ...IDS]);
    expect(s.every((x) => x.seconds === 20)).toBe(true);
    expect(s[0].filters.from).toBe('2026-01-01');
  });

  it('takes the list, the order, the seconds and the shared filters from the URL', () => {
    const s = parsePlaylist(
      new URLSearchParams('slides=overview,services,direction&seconds=30&unit=238'),
      IDS,
      TODAY,
    );
    expect(s.map((x) => x.id)).toEqual(['overview', 'services', 'direction']);
    expect(s.map((x) => x.seconds)).toEqual([30, 30, 30]);
    expect(s.every((x) => x.filters.unit === '238')).toBe(true);
  });

  it('takes per-slide filters and seconds in parentheses', () => {
    const s = parsePlaylist(
      new URLSearchParams(
        'slides=overview,services(unit=238;period=2021-Q3;seconds=45),services(unit=),payments&unit=227',
      ),
      IDS,
      TODAY,
    );
    expect(s.map((x) => x.key)).toEqual(['overview', 'services', 'services#2', 'payments']);
    expect(s[1].filters.unit).toBe('238');
    expect(s[1].filters.from).toBe('2021-07-01');
    expect(s[1].seconds).toBe(45);
    expect(s[2].filters.unit).toBeUndefined();
    expect(s[3].filters.unit).toBe('227');
  });

  it('drops unknown subsystems and bounds the seconds', () => {
    const s = parsePlaylist(new URLSearchParams('slides=servces,services&seconds=1'), IDS, TODAY);
    expect(s.map((x) => x.id)).toEqual(['services']);
    expect(s[0].seconds).toBe(5);
    expect(parsePlaylist(new URLSearchParams('slides=nothing'), IDS, TODAY).map((x) => x.id)).toEqual([
      'overview',
    ]);
  });

  it('starts where asked', () => {
    const s = parsePlaylist(new URLSearchParams('slides=overview,services,direction'), IDS, TODAY);
    expect(startIndex(new URLSearchParams('start=services'), s)).toBe(1);
    expect(startIndex(new URLSearchParams('start=3'), s)).toBe(2);
    expect(startIndex(new URLSearchParams('start=99'), s)).toBe(0);
  });
});

const kpi = (id: string, status: 'good' | 'warning' | 'bad' | 'none') => ({
  id,
  name: { vi: id, en: id },
  unit: 'percent',
  status,
  value: 1,
  change: null,
  direction: 'up' as const,
});
const sub = (id: string, ...headline: ReturnType<typeof kpi>[]) => ({
  id,
  name: { vi: id, en: id },
  headline,
});

describe('alarms', () => {
  it('finds KPIs that turned bad since the last refresh, not those already bad or new', () => {
    const before = statusSnapshot([
      sub('services', kpi('s.a', 'good'), kpi('s.b', 'bad')),
      sub('payments', kpi('p.a', 'warning')),
    ]);
    const after = [
      sub('services', kpi('s.a', 'good'), kpi('s.b', 'bad'), kpi('s.new', 'bad')),
      sub('payments', kpi('p.a', 'bad')),
    ];
    expect(newlyBad(before, after)).toEqual([{ subsystem: 'payments', kpi: 'p.a' }]);
  });

  it('lists red first, then late feeds, then amber', () => {
    const alerts = buildAlerts(
      [sub('services', kpi('s.w', 'warning'), kpi('s.b', 'bad'), kpi('s.g', 'good'))],
      [
        { feed: 'documents', stale: true, newestEventAt: null },
        { feed: 'dossiers', stale: false, newestEventAt: null },
      ],
    );
    expect(alerts.map((a) => a.key)).toEqual(['s.b', 'feed:documents', 's.w']);
  });
});

describe('tone by direction', () => {
  it('colours a change by whether it is better, not by its sign', () => {
    expect(changeTone(5, 'up')).toBe('better');
    expect(changeTone(-5, 'up')).toBe('worse');
    expect(changeTone(-5, 'down')).toBe('better');
    expect(changeTone(5, 'down')).toBe('worse');
    expect(changeTone(0.01, 'up')).toBe('flat');
    expect(changeTone(null, 'up')).toBe('none');
    expect(compareTone(3, 5, 'down')).toBe('better');
    expect(compareTone(3, null, 'down')).toBe('none');
  });
});
