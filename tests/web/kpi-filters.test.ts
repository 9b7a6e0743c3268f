// Which of the page's filters a KPI card takes: the rest are dropped from its request and named on the card.
import { describe, expect, it } from 'vitest';
import type { KpiDef } from '../../web/lib/queries.ts';
import { kpiFilters } from '../../web/pages/subsystem.tsx';

const def = (dimensions: string[], kind = 'flow') => ({ id: 'x.y', dimensions, kind }) as unknown as KpiDef;
const DOSSIERS = ['province', 'district', 'commune', 'agency', 'sector', 'procedure', 'month'];
const REPORTED = ['province', 'district', 'commune', 'agency', 'indicator', 'month'];
const CATALOGUE = ['sector', 'procedure'];

describe('kpiFilters', () => {
  it('keeps every filter a dossier KPI can take', () => {
    const f = { unit: '238', agency: 'SYT', sector: 'y_te' };
    expect(kpiFilters(def(DOSSIERS), f)).toEqual({ filters: f, ignored: [] });
  });

  it('drops the sector for a reported indicator and says so', () => {
    const r = kpiFilters(def(REPORTED), { unit: '238', sector: 'y_te' });
    expect(r.ignored).toEqual(['sector']);
    expect(r.filters).toEqual({ unit: '238', sector: undefined });
  });

  it('a catalogue KPI keeps the unit (the catalogue is province-wide) but not the agency', () => {
    const r = kpiFilters(def(CATALOGUE, 'catalogue'), { unit: '238', agency: 'SYT' });
    expect(r.ignored).toEqual(['agency']);
    expect(r.filters.unit).toBe('238');
  });
});
