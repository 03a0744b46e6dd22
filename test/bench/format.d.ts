// Types of format.js for the unit test (test/unit/bench-format.test.ts).
export type Unit = 's' | 'MB' | '×' | '/s';
export interface Target {
  op: '<=' | '<' | '>=';
  value: number;
  unit: Unit;
}
export interface Row {
  label: string;
  /** Absent only on the row of a job that failed. */
  target?: Target;
  /** Ratio rows: one pair per round, measured back to back. */
  pairs?: { figure: number; baseline: number }[];
  /** The unit of a ratio row's figure and baseline (default seconds). */
  unit?: Unit;
  /** Value rows: one value per round. */
  values?: number[];
  error?: string;
}
export interface Summary {
  ok: boolean;
  error?: string;
  median?: number;
  min?: number;
  figure?: number;
  baseline?: number;
  rounds?: number;
}
export function median(values: number[]): number;
export function min(values: number[]): number;
export function meets(value: number, target: Target): boolean;
export function formatValue(value: number, unit: Unit): string;
export function formatTarget(target: Target): string;
export function summarise(row: Row): Summary;
export function rowLine(row: Row, width?: number): string;
export function summaryTable(rows: Row[]): string;
export function exitCode(rows: Row[]): number;
