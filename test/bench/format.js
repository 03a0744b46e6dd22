// The pure part of `npm run bench`: medians, targets and the printed lines. No clock, no files,
// so test/unit/bench-format.test.ts can check the verdicts the exit code rests on.

/** The median; of an even count, the mean of the two middle values. */
export function median(values) {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function min(values) {
  if (values.length === 0) throw new Error('min of no values');
  return Math.min(...values);
}

const OPS = {
  '<=': { sign: '≤', test: (v, t) => v <= t },
  '<': { sign: '<', test: (v, t) => v < t },
  '>=': { sign: '≥', test: (v, t) => v >= t },
};

/** Does `value` meet `target` ({op, value, unit})? */
export function meets(value, target) {
  const op = OPS[target.op];
  if (!op) throw new Error(`unknown target operator ${target.op}`);
  return Number.isFinite(value) && op.test(value, target.value);
}

/** A figure with its unit: `412 ms`, `3.21 s`, `24.8 s`, `245 MB`, `3.07×`, `162/s`. */
export function formatValue(value, unit) {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 's':
      if (value < 1) return `${Math.round(value * 1000)} ms`;
      return value < 10 ? `${value.toFixed(2)} s` : `${value.toFixed(1)} s`;
    case 'MB':
      return value < 10 ? `${value.toFixed(1)} MB` : `${Math.round(value)} MB`;
    case '×':
      return `${value.toFixed(2)}×`;
    case '/s':
      return `${value < 10 ? value.toFixed(1) : Math.round(value)}/s`;
    default:
      throw new Error(`unknown unit ${unit}`);
  }
}

/** `≤ 3×`, `< 1×`, `≥ 150/s`, `≤ 300 MB`, `≤ 2 s`. */
export function formatTarget(target) {
  const op = OPS[target.op];
  if (!op) throw new Error(`unknown target operator ${target.op}`);
  const v = target.unit === '/s' ? `${target.value}/s` : target.unit === '×' ? `${target.value}×` : `${target.value} ${target.unit}`;
  return `${op.sign} ${v}`;
}

/**
 * The verdict of one row. A ratio row has `pairs` ([{figure, baseline}], one per round, measured
 * back to back); its ratios are paired (figure / baseline of the same round) and the verdict is
 * on their median. A value row has `values`, one per round. A row with `error` never passes.
 */
export function summarise(row) {
  if (row.error) return { ok: false, error: row.error };
  if (!row.target) return { ok: false, error: 'no target' };
  if (row.pairs) {
    if (row.pairs.length === 0) return { ok: false, error: 'no rounds measured' };
    const ratios = row.pairs.map((p) => p.figure / p.baseline);
    const m = median(ratios);
    return {
      ok: meets(m, row.target),
      median: m,
      min: min(ratios),
      figure: median(row.pairs.map((p) => p.figure)),
      baseline: median(row.pairs.map((p) => p.baseline)),
      rounds: ratios.length,
    };
  }
  if (!row.values || row.values.length === 0) return { ok: false, error: 'no rounds measured' };
  const m = median(row.values);
  return { ok: meets(m, row.target), median: m, min: min(row.values), rounds: row.values.length };
}

/**
 * One printed row: `label  figure / baseline = ratio (target)  min … · median …  ok|MISS`. The
 * figure and the baseline are the medians of their rounds; `= ratio` is the median of the paired
 * ratios, which the verdict uses.
 */
export function rowLine(row, width = 56) {
  const s = summarise(row);
  const label = row.label.padEnd(width);
  if (s.error) return `${label} ERROR: ${s.error}`;
  const verdict = s.ok ? 'ok' : 'MISS';
  const target = formatTarget(row.target);
  if (row.pairs) {
    const unit = row.unit ?? 's';
    return `${label} ${formatValue(s.figure, unit)} / ${formatValue(s.baseline, unit)} = ${formatValue(s.median, '×')} (${target})   min ${formatValue(s.min, '×')} · median ${formatValue(s.median, '×')} over ${s.rounds}   ${verdict}`;
  }
  return `${label} ${formatValue(s.median, row.target.unit)} (${target})   min ${formatValue(s.min, row.target.unit)} · median ${formatValue(s.median, row.target.unit)} over ${s.rounds}   ${verdict}`;
}

/** The closing table: one line per row, then how many met their target. */
export function summaryTable(rows) {
  const head = ['row', 'median', 'min', 'target', 'result'];
  const body = rows.map((row) => {
    const s = summarise(row);
    if (s.error) return [row.label, '–', '–', row.target ? formatTarget(row.target) : '–', 'ERROR'];
    const unit = row.pairs ? '×' : row.target.unit;
    return [row.label, formatValue(s.median, unit), formatValue(s.min, unit), formatTarget(row.target), s.ok ? 'ok' : 'MISS'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const passed = rows.filter((r) => summarise(r).ok).length;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', `${passed} of ${rows.length} rows meet their target`].join('\n');
}

/** The exit code: 0 when every row met its target, 1 otherwise (a miss or a job that failed). */
export function exitCode(rows) {
  return rows.length > 0 && rows.every((r) => summarise(r).ok) ? 0 : 1;
}
