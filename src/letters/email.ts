// The e-mail of a letter: the rendered e-mail section as plain text and as HTML, with the invoice
// table and the payment block drawn where the template put their markers. Every value in the
// HTML is escaped here; the template's own text arrives already escaped by Handlebars.
import { letterLabels, splitBody, type LetterView } from './view.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function textInvoiceTable(view: LetterView): string {
  const l = letterLabels(view.language);
  const header = [l.invoice, l.invoiceDate, l.dueDate, l.amount, l.paid, l.open];
  const rows = view.invoices.map((i) => [`${i.number}${i.mark}`, i.issueDate, i.dueDate, i.amount, i.paid, i.open]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]): string =>
    r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').replace(/\s+$/, '');
  const lines = [fmt(header), ...rows.map(fmt)];
  const totalWidth = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const total = (label: string, amount: string): string => `${label}${' '.repeat(Math.max(2, totalWidth - label.length - amount.length))}${amount}`;
  lines.push('-'.repeat(totalWidth));
  if (view.hasAlsoOpen) lines.push(total(l.subtotalDue, view.due));
  lines.push(total(view.totalLabel, view.totalOpen));
  if (view.hasAlsoOpen) lines.push(l.alsoOpenNote);
  lines.push(...view.creditNotes);
  return lines.join('\n');
}

function paymentRows(view: LetterView): [string, string][] {
  const l = letterLabels(view.language);
  const rows: [string, string][] = [
    [l.payAmount, view.payAmount],
    [l.iban, view.creditor.iban],
  ];
  if (view.creditor.bic !== null) rows.push([l.bic, view.creditor.bic]);
  rows.push([l.beneficiary, view.creditor.name]);
  if (view.paymentReference !== '') rows.push([l.paymentReference, view.paymentReference]);
  return rows;
}

function textPayment(view: LetterView): string {
  const rows = paymentRows(view);
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(w)}${v}`).join('\n');
}

export function emailText(source: string, view: LetterView): string {
  const out: string[] = [];
  for (const block of splitBody(source)) {
    if (block.kind === 'text') out.push(block.lines.join('\n'));
    else if (block.kind === 'invoices') out.push(textInvoiceTable(view));
    else out.push(textPayment(view));
  }
  return `${out.join('\n\n')}\n`;
}

const CELL = 'padding:4px 12px 4px 0;vertical-align:top';

function htmlInvoiceTable(view: LetterView): string {
  const l = letterLabels(view.language);
  const th = (s: string, right: boolean): string =>
    `<th style="${CELL};text-align:${right ? 'right' : 'left'};border-bottom:1px solid #8a8f98;font-weight:bold">${escapeHtml(s)}</th>`;
  const td = (s: string, right: boolean): string => `<td style="${CELL};text-align:${right ? 'right' : 'left'};white-space:nowrap">${escapeHtml(s)}</td>`;
  const head = [l.invoice, l.invoiceDate, l.dueDate, l.amount, l.paid, l.open].map((h, i) => th(h, i >= 3)).join('');
  const rows = view.invoices
    .map((i) => `<tr>${td(`${i.number}${i.mark}`, false)}${td(i.issueDate, false)}${td(i.dueDate, false)}${td(i.amount, true)}${td(i.paid, true)}${td(i.open, true)}</tr>`)
    .join('\n');
  const total = (label: string, amount: string, top: boolean): string =>
    `<tr><td colspan="5" style="${CELL}${top ? ';border-top:1px solid #8a8f98' : ''};font-weight:bold">${escapeHtml(label)}</td>` +
    `<td style="${CELL}${top ? ';border-top:1px solid #8a8f98' : ''};text-align:right;white-space:nowrap;font-weight:bold">${escapeHtml(amount)}</td></tr>`;
  const totals = [
    ...(view.hasAlsoOpen ? [total(l.subtotalDue, view.due, true)] : []),
    total(view.totalLabel, view.totalOpen, !view.hasAlsoOpen),
  ].join('\n');
  const notes = [...(view.hasAlsoOpen ? [l.alsoOpenNote] : []), ...view.creditNotes];
  const note = notes.map((n) => `\n<p style="margin:4px 0 16px 0;font-size:12px;color:#555">${escapeHtml(n)}</p>`).join('');
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0 16px 0;font-size:14px">\n` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n<tfoot>\n${totals}\n</tfoot>\n</table>${note}`
  );
}

function htmlPayment(view: LetterView): string {
  const l = letterLabels(view.language);
  const rows = paymentRows(view)
    .map(([k, v]) => `<tr><td style="${CELL};color:#555">${escapeHtml(k)}</td><td style="${CELL};font-weight:bold">${escapeHtml(v)}</td></tr>`)
    .join('\n');
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0 16px 0;font-size:14px;background:#f3f5f7">\n` +
    `<caption style="text-align:left;font-weight:bold;padding:0 0 4px 0">${escapeHtml(l.paymentTitle)}</caption>\n${rows}\n</table>`
  );
}

export function emailHtml(escapedSource: string, view: LetterView, subject: string): string {
  const parts: string[] = [];
  for (const block of splitBody(escapedSource)) {
    if (block.kind === 'text') parts.push(`<p style="margin:0 0 12px 0">${block.lines.join('<br>\n')}</p>`);
    else if (block.kind === 'invoices') parts.push(htmlInvoiceTable(view));
    else parts.push(htmlPayment(view));
  }
  return (
    `<!DOCTYPE html>\n<html lang="${view.language}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(subject)}</title>\n</head>\n` +
    `<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#1a1a1a">\n` +
    `<div style="max-width:640px">\n${parts.join('\n')}\n</div>\n</body>\n</html>\n`
  );
}

