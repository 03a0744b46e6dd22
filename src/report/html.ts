// The report as one self-contained HTML file: styles inline, charts drawn by Apache ECharts on
// this machine as SVG (no script, no font or image to fetch), so it opens offline, prints well
// and can be mailed. Every figure carries `data-figure` (its path in `report --json`) and
// `data-value`, so a test can check the page against the data. Debtor data is escaped as text.
import type { ReportDocument } from './document.js';
import { formatFigure, type FigureFormat, type Lang } from './format.js';
import { TEXT, type Texts } from './texts.js';

type EChartsModule = typeof import('echarts');

const PALETTE = ['#1f5f8b', '#e07b39', '#4c9a6a', '#b8404a', '#7a5ea8', '#8c8c8c'];
const FONT = 'system-ui, "Segoe UI", "DejaVu Sans", Arial, sans-serif';

/**
 * ECharts as its one-file minified ES module: about 0.3 s to load against 0.9-1.7 s for the
 * package's many-file entry point, which would make `report` slower than the figures it draws.
 * The specifier is a variable so TypeScript takes the types of the package's main entry.
 */
export async function loadECharts(): Promise<EChartsModule> {
  const bundle = 'echarts/dist/echarts.esm.min';
  return (await import(bundle)) as EChartsModule;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

class Page {
  constructor(readonly lang: Lang, readonly t: Texts) {}

  /** A figure: shown formatted, with its JSON path and raw value for the test. */
  fig(path: string, value: unknown, format: FigureFormat, tag = 'td'): string {
    const raw = value === null || value === undefined ? '' : String(value);
    const cls = format === 'text' || format === 'date' ? '' : ' class="num"';
    return `<${tag}${cls} data-figure="${escapeHtml(path)}" data-format="${format}" data-value="${escapeHtml(raw)}">${escapeHtml(formatFigure(value, format, this.lang))}</${tag}>`;
  }

  text(value: string | null | undefined): string {
    return `<td>${escapeHtml(value ?? '–')}</td>`;
  }

  table(headers: string[], rows: string[], numeric: number[] = [], empty?: string): string {
    if (rows.length === 0) return `<p class="empty">${escapeHtml(empty ?? this.t.none)}</p>`;
    const th = headers.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
    return `<table><thead><tr>${th}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`;
  }

  stageLabel(stage: string | null): string {
    return stage === null ? this.t.noLetterYet : stage === 'handover' ? this.t.handover : stage;
  }
}

function chart(echarts: EChartsModule, option: Record<string, unknown>, width = 560, height = 260): string {
  const c = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    c.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: FONT, fontSize: 12 }, ...option });
    return `<figure class="chart">${c.renderToSVGString()}</figure>`;
  } finally {
    c.dispose();
  }
}

const euros = (cents: number): number => Math.round(cents) / 100;

function euroAxis(lang: Lang): Record<string, unknown> {
  // One formatter for every label (what toLocaleString makes anew on each call; ECharts asks often).
  const number = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB');
  return { type: 'value', axisLabel: { formatter: (v: number) => `€ ${number.format(v)}` } };
}

export async function renderReportHtml(doc: ReportDocument): Promise<string> {
  const echarts = await loadECharts();
  const lang: Lang = doc.language;
  const t = TEXT[lang];
  const p = new Page(lang, t);
  const b = doc.book;
  const invoices = (n: number): string => `${n} ${n === 1 ? t.invoiceLower : t.invoicesLower}`;
  const sections: string[] = [];

  // 1. The book now.
  const cards: [string, string, unknown, FigureFormat, string?][] = [
    [t.open, 'book.open.cents', b.open.cents, 'euro', invoices(b.open.invoices)],
    [t.overdue, 'book.overdue.cents', b.overdue.cents, 'euro', invoices(b.overdue.invoices)],
    [t.onHold, 'book.on_hold.cents', b.on_hold.cents, 'euro', invoices(b.on_hold.invoices)],
    [t.disputed, 'book.disputed.cents', b.disputed.cents, 'euro', invoices(b.disputed.invoices)],
    [t.handedOver, 'book.handed_over.cents', b.handed_over.cents, 'euro', invoices(b.handed_over.invoices)],
    [t.unmatched, 'book.unmatched_payments.cents', b.unmatched_payments.cents, 'euro', `${b.unmatched_payments.count} ${t.paymentsLower}`],
  ];
  const cardHtml = cards
    .map(([label, path, value, format, sub]) => `<div class="card"><div class="label">${escapeHtml(label)}</div>${p.fig(path, value, format, 'div')}<div class="sub">${escapeHtml(sub ?? '')}</div></div>`)
    .join('');
  const agingKeys = Object.keys(b.aging) as (keyof typeof b.aging)[];
  const agingChart = chart(echarts, {
    title: { text: t.agingTitle, textStyle: { fontSize: 14 } },
    grid: { left: 90, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: agingKeys.map((k) => t.aging[k]), axisLabel: { interval: 0, width: 86, overflow: 'break', fontSize: 11 } },
    yAxis: euroAxis(lang),
    series: [{ type: 'bar', data: agingKeys.map((k, i) => ({ value: euros(b.aging[k].cents), itemStyle: { color: i === 0 ? PALETTE[2] : i >= 3 ? PALETTE[3] : PALETTE[1] } })), barMaxWidth: 48 }],
  });
  const agingTable = p.table(
    [t.pastDue, t.invoices, t.amountOpen],
    agingKeys.map((k) => `${p.text(t.aging[k])}${p.fig(`book.aging.${k}.invoices`, b.aging[k].invoices, 'count')}${p.fig(`book.aging.${k}.cents`, b.aging[k].cents, 'euro')}`),
    [1, 2],
  );
  const stageChart = chart(echarts, {
    title: { text: t.byStageTitle, textStyle: { fontSize: 14 } },
    grid: { left: 90, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: b.by_stage.map((s) => p.stageLabel(s.stage)), axisLabel: { interval: 0, width: 100, overflow: 'break', fontSize: 11 } },
    yAxis: euroAxis(lang),
    series: [{ type: 'bar', data: b.by_stage.map((s) => euros(s.cents)), barMaxWidth: 48 }],
  });
  const stageTable = p.table(
    [t.stage, t.invoices, t.amountOpen],
    b.by_stage.map((s, i) => `${p.text(p.stageLabel(s.stage))}${p.fig(`book.by_stage.${i}.invoices`, s.invoices, 'count')}${p.fig(`book.by_stage.${i}.cents`, s.cents, 'euro')}`),
    [1, 2],
  );
  const unmatchedTable = b.unmatched_payments.largest.length === 0 ? '' : `<h3>${escapeHtml(t.unmatchedTitle)}</h3>${p.table(
    [t.date, t.counterparty, t.description, t.amount, t.notMatched],
    b.unmatched_payments.largest.map((u, i) => `${p.fig(`book.unmatched_payments.largest.${i}.date`, u.date, 'date')}${p.text(u.counterparty)}${p.text(u.reference)}${p.fig(`book.unmatched_payments.largest.${i}.amount_cents`, u.amount_cents, 'euro')}${p.fig(`book.unmatched_payments.largest.${i}.unallocated_cents`, u.unallocated_cents, 'euro')}`),
    [3, 4],
  )}`;
  sections.push(`<section id="book"><h2>${escapeHtml(t.bookNow)}</h2><div class="cards">${cardHtml}</div>
<div class="pair"><div>${agingChart}${agingTable}</div><div>${stageChart}${stageTable}</div></div>${unmatchedTable}</section>`);

  // 2. Over time.
  const h = doc.history;
  const historyBody = h.points.length === 0
    ? `<p class="empty">${escapeHtml(t.noHistory)}</p>`
    : `${chart(echarts, {
        legend: { top: 0, data: [t.open, t.overdue, t.handedOver] },
        grid: { left: 90, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: h.points.map((x) => x.period), axisLabel: { interval: 0 } },
        yAxis: euroAxis(lang),
        series: [
          { name: t.open, type: 'line', data: h.points.map((x) => euros(x.open_cents)), symbolSize: 7 },
          { name: t.overdue, type: 'line', data: h.points.map((x) => euros(x.overdue_cents)), symbolSize: 7 },
          { name: t.handedOver, type: 'line', data: h.points.map((x) => euros(x.handed_over_cents)), symbolSize: 7, lineStyle: { type: 'dashed' } },
        ],
      }, 1000, 280)}${p.table(
        [h.unit === 'week' ? t.week : t.month, t.seenOn, t.openInvoices, t.open, t.overdue, t.handedOver],
        h.points.map((x, i) => `${p.text(x.period)}${p.fig(`history.points.${i}.date`, x.date, 'date')}${p.fig(`history.points.${i}.open_invoices`, x.open_invoices, 'count')}${p.fig(`history.points.${i}.open_cents`, x.open_cents, 'euro')}${p.fig(`history.points.${i}.overdue_cents`, x.overdue_cents, 'euro')}${p.fig(`history.points.${i}.handed_over_cents`, x.handed_over_cents, 'euro')}`),
        [2, 3, 4, 5],
      )}`;
  sections.push(`<section id="history"><h2>${escapeHtml(t.overTime)}</h2><p class="note">${escapeHtml(t.overTimeNote)}</p>${historyBody}</section>`);

  // 3. Effectiveness.
  const e = doc.effectiveness;
  const effTable = p.table(
    [t.stage, t.lettersSent, t.invoices, t.demanded, t.paid7, t.paid14, t.paid30, t.medianDays, t.reachedHandover],
    e.stages.map((s, i) => {
      const at = `effectiveness.stages.${i}`;
      return `${p.text(s.stage)}${p.fig(`${at}.letters`, s.letters, 'count')}${p.fig(`${at}.invoices`, s.invoices, 'count')}${p.fig(`${at}.amount_cents`, s.amount_cents, 'euro')}${p.fig(`${at}.paid_7_share`, s.paid_7_share, 'share')}${p.fig(`${at}.paid_14_share`, s.paid_14_share, 'share')}${p.fig(`${at}.paid_30_share`, s.paid_30_share, 'share')}${p.fig(`${at}.median_days_to_payment`, s.median_days_to_payment, 'days')}${p.fig(`${at}.handed_over_invoices`, s.handed_over_invoices, 'count')}`;
    }),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  const shareChart = chart(echarts, {
    title: { text: t.paidShareTitle, textStyle: { fontSize: 14 } },
    legend: { bottom: 0, data: [t.paid7, t.paid14, t.paid30] },
    grid: { left: 50, right: 20, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: e.stages.map((s) => s.stage), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: ([['paid_7_share', t.paid7], ['paid_14_share', t.paid14], ['paid_30_share', t.paid30]] as const).map(([k, name]) => ({
      name, type: 'bar', data: e.stages.map((s) => Math.round(s[k] * 1000) / 10), barMaxWidth: 28,
    })),
  });
  const funnelChart = chart(echarts, {
    title: { text: t.funnelTitle, textStyle: { fontSize: 14 } },
    grid: { left: 150, right: 40, top: 40, bottom: 30 },
    yAxis: { type: 'category', inverse: true, data: e.funnel.map((f) => p.stageLabel(f.step)) },
    xAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: e.funnel.map((f) => f.invoices), label: { show: true, position: 'right' }, barMaxWidth: 28 }],
  });
  const funnelTable = p.table(
    [t.step, t.invoices, t.amount],
    e.funnel.map((f, i) => `${p.text(p.stageLabel(f.step))}${p.fig(`effectiveness.funnel.${i}.invoices`, f.invoices, 'count')}${p.fig(`effectiveness.funnel.${i}.cents`, f.cents, 'euro')}`),
    [1, 2],
  );
  sections.push(`<section id="effectiveness"><h2>${escapeHtml(t.effectiveness)}</h2><p class="note">${escapeHtml(t.effectivenessNote)}</p>${effTable}
<div class="pair"><div>${shareChart}</div><div>${funnelChart}${funnelTable}</div></div></section>`);

  // 4. Signals.
  const s = doc.signals;
  const signalList = s.items.length === 0
    ? `<p class="empty">${escapeHtml(t.noSignals)}</p>`
    : `<ul class="signals">${s.items.map((x, i) => `<li class="${x.severity}"><span class="sev">${escapeHtml(t.severity[x.severity])}</span> <span data-figure="signals.items.${i}.text" data-format="text" data-value="${escapeHtml(x.text)}">${escapeHtml(x.text)}</span></li>`).join('')}</ul>`;
  const more = s.count > s.items.length ? `<p class="note">${escapeHtml(t.more(s.count - s.items.length))}</p>` : '';
  sections.push(`<section id="signals"><h2>${escapeHtml(t.signals)} <span class="count" data-figure="signals.count" data-format="count" data-value="${s.count}">${s.count}</span></h2>${signalList}${more}</section>`);

  // 5. Behaviour and top debtors.
  const bh = doc.behaviour;
  const behaviourTable = p.table(
    [t.debtor, t.name, t.payments, t.avgDaysLate, t.trend, t.lastPayments],
    bh.slowest.map((x, i) => `${p.text(x.debtor)}${p.text(x.name)}${p.fig(`behaviour.slowest.${i}.payments`, x.payments, 'count')}${p.fig(`behaviour.slowest.${i}.average_days_late`, x.average_days_late, 'days')}<td class="num">${escapeHtml(trendText(x.trend, t))}</td><td class="num">${escapeHtml(x.days_late.join(' · '))}</td>`),
    [2, 3, 4, 5],
    t.noBehaviour,
  );
  const topTable = p.table(
    [t.debtor, t.name, t.invoices, t.amountOpen, t.oldestDue, t.daysLate, t.stage],
    doc.top_debtors.map((x, i) => `${p.text(x.debtor)}${p.text(x.name)}${p.fig(`top_debtors.${i}.invoices`, x.invoices, 'count')}${p.fig(`top_debtors.${i}.open_cents`, x.open_cents, 'euro')}${p.fig(`top_debtors.${i}.oldest_due`, x.oldest_due, 'date')}${p.fig(`top_debtors.${i}.days_late`, x.days_late, 'count')}${p.text(p.stageLabel(x.stage))}`),
    [2, 3, 5],
  );
  sections.push(`<section id="debtors"><h2>${escapeHtml(t.topDebtors)}</h2>${topTable}<h2>${escapeHtml(t.behaviour)}</h2><p class="note">${escapeHtml(t.behaviourNote)}</p>${behaviourTable}</section>`);

  // 6. Disputes and holds.
  const holdTable = p.table(
    [t.kind, t.debtor, t.name, t.invoice, t.reason, t.since, t.ageDays, t.amountOpen],
    doc.holds.items.map((x, i) => `${p.text(x.dispute ? t.dispute : t.hold)}${p.text(x.debtor)}${p.text(x.name)}${p.text(x.invoice ?? t.allInvoices)}${p.text(x.reason)}${p.fig(`holds.items.${i}.since`, x.since, 'date')}${p.fig(`holds.items.${i}.age_days`, x.age_days, 'count')}${p.fig(`holds.items.${i}.open_cents`, x.open_cents, 'euro')}`),
    [6, 7],
  );
  sections.push(`<section id="holds"><h2>${escapeHtml(t.disputes)}</h2>${holdTable}</section>`);

  // 7. Handovers.
  const ho = doc.handovers;
  const hoTable = p.table(
    [t.batch, t.date, t.invoices, t.handedOverAmount, t.paidAfter, t.openNow],
    ho.batches.map((x, i) => `${p.text(String(x.batch))}${p.fig(`handovers.batches.${i}.date`, x.date, 'date')}${p.fig(`handovers.batches.${i}.invoices`, x.invoices, 'count')}${p.fig(`handovers.batches.${i}.handed_over_cents`, x.handed_over_cents, 'euro')}${p.fig(`handovers.batches.${i}.paid_after_cents`, x.paid_after_cents, 'euro')}${p.fig(`handovers.batches.${i}.open_now_cents`, x.open_now_cents, 'euro')}`),
    [2, 3, 4, 5],
  );
  sections.push(`<section id="handovers"><h2>${escapeHtml(t.handovers)}</h2><p class="note">${escapeHtml(t.handoversNote)}</p>${hoTable}</section>`);

  // 8. Run log.
  const runTable = p.table(
    [t.date, ...doc.stages, t.letters, t.amount, t.mailSent, t.mailFailed, t.readyForHandover],
    doc.runs.items.map((r, i) => `${p.fig(`runs.items.${i}.date`, r.date, 'date')}${doc.stages.map((st) => `<td class="num">${r.letters_by_stage[st] ?? 0}</td>`).join('')}${p.fig(`runs.items.${i}.letters`, r.letters, 'count')}${p.fig(`runs.items.${i}.letters_cents`, r.letters_cents, 'euro')}<td class="num">${r.mail.sent ?? 0}</td>${p.fig(`runs.items.${i}.mail_failed`, r.mail_failed, 'count')}${p.fig(`runs.items.${i}.handover_ready`, r.handover_ready, 'count')}`),
    doc.stages.map((_, i) => i + 1).concat([doc.stages.length + 1, doc.stages.length + 2, doc.stages.length + 3, doc.stages.length + 4, doc.stages.length + 5]),
  );
  sections.push(`<section id="runs"><h2>${escapeHtml(t.runLog)}</h2>${runTable}</section>`);

  const title = `${t.title} — ${doc.creditor}`;
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(t.title)}</h1><p class="who">${escapeHtml(doc.creditor)} · ${escapeHtml(t.asOf)} <span data-figure="today" data-format="date" data-value="${doc.today}">${escapeHtml(formatFigure(doc.today, 'date', lang))}</span></p></header>
<nav>${[['book', t.bookNow], ['history', t.overTime], ['effectiveness', t.effectiveness], ['signals', t.signals], ['debtors', t.topDebtors], ['holds', t.disputes], ['handovers', t.handovers], ['runs', t.runLog]].map(([id, label]) => `<a href="#${id}">${escapeHtml(label!)}</a>`).join('')}</nav>
<main>
${sections.join('\n')}
</main>
<footer>${escapeHtml(t.footer)}</footer>
</body>
</html>
`;
}

function trendText(trend: number | null, t: Texts): string {
  if (trend === null) return '–';
  if (trend > 0) return `${t.later} +${trend}`;
  if (trend < 0) return `${t.sooner} ${trend}`;
  return t.steady;
}

const CSS = `
:root { --ink: #1d2730; --muted: #5d6b78; --line: #d9dee3; --accent: #1f5f8b; --bad: #b8404a; --warn: #c77a1c; }
* { box-sizing: border-box; }
body { font-family: ${FONT}; color: var(--ink); margin: 0 auto; max-width: 1120px; padding: 24px 32px; font-size: 14px; line-height: 1.45; background: #fff; }
header h1 { margin: 0; font-size: 26px; color: var(--accent); }
header .who { margin: 4px 0 12px; color: var(--muted); font-size: 15px; }
nav { display: flex; flex-wrap: wrap; gap: 6px 16px; padding: 8px 0 12px; border-bottom: 2px solid var(--accent); margin-bottom: 8px; }
nav a { color: var(--accent); text-decoration: none; font-size: 13px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h2 .count { font-size: 13px; background: var(--accent); color: #fff; border-radius: 10px; padding: 1px 8px; vertical-align: middle; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.note { color: var(--muted); font-size: 12.5px; margin: 0 0 10px; max-width: 900px; }
.empty { color: var(--muted); font-style: italic; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 10px; margin: 12px 0 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .num { font-size: 18px; font-weight: 600; margin: 2px 0; text-align: left; }
.card .sub { color: var(--muted); font-size: 12px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
figure.chart { margin: 8px 0; }
figure.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f2f5f8; font-weight: 600; font-size: 12.5px; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.signals { list-style: none; padding: 0; margin: 0; }
ul.signals li { padding: 6px 10px; margin: 4px 0; border-left: 4px solid var(--line); background: #f8f9fb; }
ul.signals li.high { border-color: var(--bad); }
ul.signals li.medium { border-color: var(--warn); }
.sev { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin-right: 6px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 900px) { .pair { grid-template-columns: 1fr; } .cards { grid-template-columns: repeat(3, 1fr); } }
@media print {
  @page { size: A4; margin: 14mm; }
  body { padding: 0; max-width: none; font-size: 11px; }
  nav { display: none; }
  section { break-inside: avoid-page; }
  table, figure { break-inside: avoid; }
  .cards { grid-template-columns: repeat(3, 1fr); }
}
`;
