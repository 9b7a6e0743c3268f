// What each KPI source row offers the engine: its table, its unit and agency columns and how to reach a
// sector. Identifiers here are the allow-list: no request text ever becomes an identifier.
import { inForceSql } from '../db/sql.ts';
import type { Dimension, SourceName } from './types.ts';

export interface SourceDef {
  /** Table or derived table; aliased `s` by the engine. */
  table: string;
  /** Column holding the admin unit the row is about (for unit filters and unit breakdowns). */
  unit?: string;
  agency?: string;
  /** Expression for the sector and the joins it needs. */
  sector?: { expr: string; join: string };
  procedure?: string;
  indicator?: string;
}

/**
 * In force on the period's last day (valid_from and valid_to are inclusive dates; empty = open): the units and
 * agencies a denominator counts. A period across a reform counts the ones in force at its end — never both the
 * former and the new.
 */
export const IN_FORCE_AT_END = (t: string) => inForceSql(t, `CAST({endDate} - INTERVAL 1 DAY AS DATE)`);

export const SOURCE_DEFS: Record<SourceName, SourceDef> = {
  documents: {
    table: 'documents',
    unit: 's.unit_code',
    agency: 's.agency_code',
    sector: { expr: 'sx.sector', join: 'LEFT JOIN agencies sx ON sx.code = s.agency_code' },
  },
  // Dossiers carry `ended_at` (dossier-states.ts), stored as each record is loaded.
  dossiers: {
    table: 'dossiers',
    unit: 's.unit_code',
    agency: 's.agency_code',
    sector: { expr: 'sx.sector', join: 'LEFT JOIN procedures sx ON sx.code = s.procedure_code' },
    procedure: 's.procedure_code',
  },
  payments: {
    table: 'payments',
    unit: 's.unit_code',
    agency: 's.agency_code',
    sector: { expr: 'sx.sector', join: 'LEFT JOIN agencies sx ON sx.code = s.agency_code' },
  },
  reports: {
    table: 'reports',
    unit: 's.unit_code',
    agency: 's.agency_code',
    indicator: 's.indicator_code',
  },
  // Citizen feedback with its effective deadline (`due`: sent, or the statutory working days after receipt).
  feedback: {
    table: 'feedback_due',
    unit: 's.unit_code',
    agency: 's.agency_code',
    sector: { expr: 'sx.sector', join: 'LEFT JOIN agencies sx ON sx.code = s.agency_code' },
    procedure: 's.procedure_code',
  },
  report_compliance: {
    table: 'report_compliance',
    unit: 's.unit_code',
    indicator: 's.indicator_code',
  },
  agencies: {
    table: `(SELECT * FROM agencies a WHERE ${IN_FORCE_AT_END('a')})`,
    unit: 's.unit_code',
    agency: 's.code',
    sector: { expr: 's.sector', join: '' },
  },
  communes: {
    table: `(SELECT * FROM units u WHERE level = 'commune' AND ${IN_FORCE_AT_END('u')})`,
    unit: 's.code',
  },
  // The catalogue as it stood on the period's last day (each procedure's version in force then).
  procedures: {
    table: `(SELECT * FROM procedure_versions v WHERE ${IN_FORCE_AT_END('v')})`,
    sector: { expr: 's.sector', join: '' },
    procedure: 's.code',
  },
};

/** Dimensions a source can be broken down by (time ones need a time column on the measure). */
export function sourceDimensions(name: SourceName): Dimension[] {
  const d = SOURCE_DEFS[name];
  const dims: Dimension[] = [];
  if (d.unit) dims.push('province', 'district', 'commune');
  if (d.agency) dims.push('agency');
  if (d.sector) dims.push('sector');
  if (d.procedure) dims.push('procedure');
  if (d.indicator) dims.push('indicator');
  return dims;
}
