// ISO 20022 bank-to-customer messages (domain/formats.md §4.1): CAMT.053 statements, CAMT.054
// debit/credit notifications and CAMT.052 reports, any version (.001.02 that most Dutch banks
// still send, .04, .08 of newer channels). Pure: text in, entries and issues out.
//
// Rules the code follows and why:
// - Elements are matched by local name: the namespace changes with every version.
// - The sign comes only from the entry's CdtDbtInd; Amt is always positive. A reversal
//   (RvslInd) keeps CdtDbtInd as the direction the money moved, and is flagged.
// - Only booked entries count: Sts is text in .02 (BOOK, PDNG, INFO) and Sts/Cd in .08.
// - Amounts stay strings until parseDotDecimal, which rounds 3 to 5 decimals half up to the cent
//   (genkgo's five-decimals sample): fast-xml-parser would otherwise turn `8.850` into a float.
// - An entry that batches several transactions is split into them when their amounts add up to
//   the entry's amount in its currency, so each debtor's payment is matched on its own.
// - ABN AMRO repeats the MT940 `/TRTP/…/NAME/…/REMI/…` text in AddtlNtryInf; SNS puts fee and
//   interest text only there. Both are read when RmtInf says nothing.
import { createHash } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import { xmlParser } from './xml.js';
import { decodeBytes } from './decode.js';
import { parseDotDecimal } from '../domain/money.js';
import { isIsoDate } from '../domain/dates.js';
import type { BankEntry, BankFormat, BankIssue, BankParseResult } from '../domain/bank-entry.js';
import { cleanEndToEndId, collapseSpaces, detailsFromSlashTags, ibanOrNull, isSlashTagged, referenceFromText, splitSlashTags } from './bank-entry.js';

type Node = Record<string, unknown>;

const CONTAINERS: { message: string; statement: string; format: BankFormat }[] = [
  { message: 'BkToCstmrStmt', statement: 'Stmt', format: 'camt.053' },
  { message: 'BkToCstmrDbtCdtNtfctn', statement: 'Ntfctn', format: 'camt.054' },
  { message: 'BkToCstmrAcctRpt', statement: 'Rpt', format: 'camt.052' },
];

export function parse(input: Uint8Array | string, displayName: string): BankParseResult {
  const text = (typeof input === 'string' ? input : decodeBytes(input).text).replace(/^\uFEFF/, '');
  const issues: BankIssue[] = [];
  const error = (path: string | null, code: string, message: string, hint: string, line: number | null = null): void => {
    const where = line !== null ? `${displayName}:${line}` : path ? `${displayName}: ${path}` : displayName;
    issues.push({ file: displayName, line, path, code, message: `${where}: ${message}`, hint, severity: 'error' });
  };
  const empty = (format: BankFormat | null): BankParseResult => ({ format, entries: [], issues, notBooked: 0, statements: 0 });

  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    error(null, 'bad_xml', `not well-formed XML (${valid.err.msg}, column ${valid.err.col})`, 'Download the statement again from the bank; the file is damaged.', valid.err.line);
    return empty(null);
  }
  let doc: Node;
  try {
    doc = xmlParser().parse(text) as Node;
  } catch (e) {
    error(null, 'bad_xml', `not well-formed XML (${(e as Error).message.split('\n')[0]})`, 'Download the statement again from the bank; the file is damaged.');
    return empty(null);
  }
  const document = obj(doc.Document);
  const container = document ? CONTAINERS.find((c) => document[c.message] !== undefined) : undefined;
  if (!document || !container) {
    error('Document', 'not_camt', 'not a CAMT.053, CAMT.054 or CAMT.052 bank message (no Document/BkToCstmrStmt, BkToCstmrDbtCdtNtfctn or BkToCstmrAcctRpt)', 'Give the bank statement file (CAMT.053 XML or MT940).');
    return empty(null);
  }
  // The parser drops xmlns attributes along with the prefixes; the version is in the namespace.
  const namespace = /xmlns(?::[\w.-]+)?\s*=\s*["'][^"']*?(camt\.\d{3}\.\d{3}\.\d{2})["']/.exec(text.slice(0, 4096));
  const variant = namespace?.[1] ?? container.format;
  const message = obj(document[container.message]) ?? {};
  const statements = list(message[container.statement]);
  const entries: BankEntry[] = [];
  let notBooked = 0;

  statements.forEach((stmtValue, s) => {
    const stmt = obj(stmtValue) ?? {};
    const stmtPath = `Document/${container.message}/${container.statement}[${s + 1}]`;
    const acct = obj(stmt.Acct);
    const acctId = obj(acct?.Id);
    const account = ibanOrNull(text1(acctId, 'IBAN')) ?? text1(obj(acctId?.Othr), 'Id') ?? null;
    const accountCcy = text1(acct, 'Ccy');
    const statementId = text1(stmt, 'Id') ?? null;
    const seenHashes = new Map<string, number>();
    // The statement's identity for the deduplication key: its id, sequence numbers and period
    // (and the message id when the bank gives no statement id). The same statement downloaded
    // twice has the same identity; two statements do not.
    const period = obj(stmt.FrToDt);
    const identity = [
      statementId ?? `msg:${text1(obj(message.GrpHdr), 'MsgId') ?? ''}`,
      text1(stmt, 'ElctrncSeqNb') ?? '',
      text1(stmt, 'LglSeqNb') ?? '',
      text1(period, 'FrDtTm') ?? text1(period, 'FrDt') ?? '',
      text1(period, 'ToDtTm') ?? text1(period, 'ToDt') ?? '',
    ].join('|');
    const statementKey = createHash('sha1').update(identity).digest('hex').slice(0, 12);
    const balances = statementBalances(stmt);
    let entrySum = 0;
    let sumCurrency: string | null = null;
    const issuesBefore = issues.length;

    list(stmt.Ntry).forEach((ntryValue, n) => {
      const ntry = obj(ntryValue) ?? {};
      const path = `${stmtPath}/Ntry[${n + 1}]`;
      const sts = statusOf(ntry.Sts);
      if (sts !== 'BOOK') {
        notBooked++;
        return;
      }
      const amt = first(ntry.Amt);
      const amountText = textOf(amt);
      const amount = amountText === undefined ? null : parseDotDecimal(amountText);
      if (!amount || !amount.ok || amount.cents < 0) {
        error(`${path}/Amt`, 'bad_amount', amountText === undefined ? 'entry without amount' : `amount "${amountText}" is not a positive decimal number`, 'The file is damaged; download the statement again.');
        return;
      }
      const currency = attrOf(amt, 'Ccy') ?? accountCcy;
      if (!currency) {
        error(`${path}/Amt`, 'missing_currency', 'amount without currency (Ccy)', 'The file is damaged; download the statement again.');
        return;
      }
      const cdi = text1(ntry, 'CdtDbtInd');
      if (cdi !== 'CRDT' && cdi !== 'DBIT') {
        error(`${path}/CdtDbtInd`, 'bad_sign', `CdtDbtInd "${cdi ?? ''}" is not CRDT or DBIT`, 'The file is damaged; download the statement again.');
        return;
      }
      if (sumCurrency === null) sumCurrency = currency;
      else if (sumCurrency !== currency) sumCurrency = '*';
      entrySum += (cdi === 'CRDT' ? 1 : -1) * amount.cents;
      const bookingDate = dateOf(ntry.BookgDt) ?? dateOf(ntry.ValDt);
      if (!bookingDate) {
        error(`${path}/BookgDt`, 'bad_date', 'booked entry without a booking date (BookgDt/Dt or DtTm)', 'The file is damaged; download the statement again.');
        return;
      }
      const valueDate = dateOf(ntry.ValDt);
      const reversal = text1(ntry, 'RvslInd')?.toLowerCase() === 'true';
      const sign = cdi === 'CRDT' ? 1 : -1;
      // The payer of a credit is the debtor party; of a reversed credit (a DBIT with RvslInd) too.
      const payerIsDebtor = (cdi === 'CRDT') !== reversal;
      const bankReference = text1(ntry, 'AcctSvcrRef') ?? text1(ntry, 'NtryRef') ?? null;
      const entryText = text1(ntry, 'AddtlNtryInf') ?? null;
      const txs = list(ntry.NtryDtls).flatMap((d) => list(obj(d)?.TxDtls)).map((t) => obj(t) ?? {});

      // The key: statement identity + the entry's position + a hash of the entry's whole
      // content. A reused NtryRef in another statement can no longer hide a payment; the same
      // statement imported again gives the same keys.
      const contentHash = createHash('sha1').update(JSON.stringify(ntry)).digest('hex').slice(0, 16);
      const keyBase = `camt:${account ?? '?'}:${statementKey}:${n + 1}:${contentHash}`;
      // The bank's own entry reference (AcctSvcrRef is unique per account at the bank): finds the
      // same entry in another message (a camt.054 notice, then the camt.053 statement).
      const servicerRef = text1(ntry, 'AcctSvcrRef') ?? null;
      const bankRefBase = servicerRef ? `camt:${account ?? '?'}:${servicerRef}` : null;
      // The key pre-incasso used before issue 11, to recognise entries imported by it.
      let legacyBase: string;
      if (bankReference) {
        legacyBase = `camt:${account ?? '?'}:${bankReference}`;
      } else {
        const hash = createHash('sha1').update(`${statementId ?? ''}\n${JSON.stringify(ntry)}`).digest('hex').slice(0, 16);
        const seen = (seenHashes.get(hash) ?? 0) + 1;
        seenHashes.set(hash, seen);
        legacyBase = `camt:${account ?? '?'}:${hash}${seen > 1 ? `~${seen}` : ''}`;
      }
      const common = {
        format: container.format, variant, account, statementId, bookingDate, valueDate, currency, reversal, bankReference,
        file: displayName, line: null,
      };
      const split = splitAmounts(txs, currency, amount.cents);
      if (split) {
        txs.forEach((tx, t) => {
          entries.push({
            ...common, ...details([tx], payerIsDebtor, entryText), sourceKey: `${keyBase}/tx${t + 1}`, amountCents: sign * split[t]!, path: `${path}/NtryDtls/TxDtls[${t + 1}]`,
            legacyKey: `${legacyBase}/tx${t + 1}`, bankRefKey: bankRefBase ? `${bankRefBase}/tx${t + 1}` : null,
          });
        });
      } else {
        entries.push({ ...common, ...details(txs, payerIsDebtor, entryText), sourceKey: keyBase, amountCents: sign * amount.cents, path, legacyKey: legacyBase, bankRefKey: bankRefBase });
      }
    });

    // Opening balance + the booked entries must give the closing balance: a statement that does
    // not add up is damaged or cut off, and importing it could lose or double a payment.
    if (issues.length === issuesBefore && balances.opening && balances.closing) {
      const { opening, closing } = balances;
      if (opening.currency === closing.currency && (sumCurrency === null || sumCurrency === opening.currency)) {
        if (opening.cents + entrySum !== closing.cents) {
          error(
            stmtPath,
            'balance_mismatch',
            `the statement does not add up: opening balance ${money(opening.cents)} + booked entries ${money(entrySum)} = ${money(opening.cents + entrySum)}, but the closing balance is ${money(closing.cents)} ${closing.currency}`,
            'The file is damaged or incomplete; download the statement again from the bank. Nothing was imported.',
          );
        }
      }
    }
  });
  return { format: container.format, entries, issues, notBooked, statements: statements.length };
}

interface Balance {
  cents: number;
  currency: string;
}

/** The statement's opening (OPBD, else PRCD) and closing (CLBD) booked balances, signed. */
function statementBalances(stmt: Node): { opening: Balance | null; closing: Balance | null } {
  const found = new Map<string, Balance>();
  for (const balValue of list(stmt.Bal)) {
    const bal = obj(balValue);
    const tp = obj(bal?.Tp);
    const code = (text1(obj(tp?.CdOrPrtry), 'Cd') ?? text1(obj(tp?.CdOrPrtry), 'Prtry') ?? text1(tp, 'Cd'))?.toUpperCase();
    if (!code || found.has(code)) continue;
    const amt = first(bal?.Amt);
    const t = textOf(amt);
    const parsed = t === undefined ? null : parseDotDecimal(t);
    const cdi = text1(bal, 'CdtDbtInd');
    if (!parsed || !parsed.ok || (cdi !== 'CRDT' && cdi !== 'DBIT')) continue;
    found.set(code, { cents: (cdi === 'CRDT' ? 1 : -1) * parsed.cents, currency: attrOf(amt, 'Ccy') ?? '' });
  }
  return { opening: found.get('OPBD') ?? found.get('PRCD') ?? null, closing: found.get('CLBD') ?? null };
}

function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The transactions' own amounts when there are several and they add up to the entry's. */
function splitAmounts(txs: Node[], currency: string, totalCents: number): number[] | null {
  if (txs.length < 2) return null;
  const amounts: number[] = [];
  for (const tx of txs) {
    const amt = first(tx.Amt) ?? first(obj(obj(tx.AmtDtls)?.TxAmt)?.Amt);
    const t = textOf(amt);
    const parsed = t === undefined ? null : parseDotDecimal(t);
    if (!parsed || !parsed.ok || parsed.cents <= 0 || (attrOf(amt, 'Ccy') ?? currency) !== currency) return null;
    amounts.push(parsed.cents);
  }
  return amounts.reduce((a, b) => a + b, 0) === totalCents ? amounts : null;
}

/** Counterparty, references and text of one transaction, or of several taken together. */
function details(txs: Node[], payerIsDebtor: boolean, entryText: string | null) {
  let counterpartyName: string | null = null;
  let counterpartyIban: string | null = null;
  let endToEndId: string | null = null;
  let structuredRef: string | null = null;
  let structuredRefIssuer: string | null = null;
  let returnReason: string | null = null;
  const texts: string[] = [];
  for (const tx of txs) {
    const parties = obj(tx.RltdPties);
    const party = obj(parties?.[payerIsDebtor ? 'Dbtr' : 'Cdtr']);
    const ultimate = obj(parties?.[payerIsDebtor ? 'UltmtDbtr' : 'UltmtCdtr']);
    // .08 nests the party one level deeper: Dbtr/Pty/Nm.
    counterpartyName ??= collapseSpaces(text1(party, 'Nm') ?? text1(obj(party?.Pty), 'Nm') ?? text1(ultimate, 'Nm') ?? text1(obj(ultimate?.Pty), 'Nm'));
    const acctId = obj(obj(parties?.[payerIsDebtor ? 'DbtrAcct' : 'CdtrAcct'])?.Id);
    counterpartyIban ??= ibanOrNull(text1(acctId, 'IBAN') ?? text1(obj(acctId?.Othr), 'Id'));
    endToEndId ??= cleanEndToEndId(text1(obj(tx.Refs), 'EndToEndId'));
    returnReason ??= text1(obj(obj(obj(tx.RtrInf)?.Rsn)), 'Cd') ?? text1(obj(obj(obj(tx.RtrInf)?.Rsn)), 'Prtry') ?? null;
    const rmt = obj(tx.RmtInf);
    for (const u of list(rmt?.Ustrd)) {
      const t = textOf(u);
      if (t) texts.push(t);
    }
    for (const strdValue of list(rmt?.Strd)) {
      const strd = obj(strdValue);
      for (const refValue of list(strd?.CdtrRefInf)) {
        const refInf = obj(refValue);
        const ref = collapseSpaces(text1(refInf, 'Ref'));
        if (ref && !structuredRef) {
          structuredRef = ref;
          structuredRefIssuer = text1(obj(refInf?.Tp), 'Issr')?.toUpperCase() ?? null;
        }
      }
      for (const a of list(strd?.AddtlRmtInf)) {
        const t = textOf(a);
        if (t) texts.push(t);
      }
    }
    const txText = text1(tx, 'AddtlTxInf');
    if (txText && texts.length === 0 && !structuredRef) texts.push(txText);
  }
  let remittance = collapseSpaces(texts.join(' '));
  const fallback = entryText;
  if (fallback && isSlashTagged(fallback)) {
    // ABN AMRO: the MT940 description in AddtlNtryInf fills in what the transaction details lack.
    const tagged = detailsFromSlashTags(splitSlashTags(fallback.trimStart()));
    counterpartyName ??= tagged.counterpartyName;
    counterpartyIban ??= tagged.counterpartyIban;
    endToEndId ??= tagged.endToEndId;
    returnReason ??= tagged.returnReason;
    remittance ??= tagged.remittance;
    if (!structuredRef && tagged.structuredRef) {
      structuredRef = tagged.structuredRef;
      structuredRefIssuer = tagged.structuredRefIssuer;
    }
  } else if (!remittance && fallback) {
    remittance = collapseSpaces(fallback);
  }
  if (!structuredRef) {
    const found = referenceFromText(remittance);
    if (found) {
      structuredRef = found.ref;
      structuredRefIssuer = found.issuer;
    }
  }
  return { counterpartyName, counterpartyIban, endToEndId, structuredRef, structuredRefIssuer, remittance, returnReason };
}

/** Sts is text in .02 (`<Sts>BOOK</Sts>`) and a code in .08 (`<Sts><Cd>BOOK</Cd></Sts>`). */
function statusOf(value: unknown): string | undefined {
  const node = obj(value);
  return (textOf(value) ?? text1(node, 'Cd') ?? text1(node, 'Prtry'))?.toUpperCase();
}

/** Dt, or the date part of DtTm as the bank wrote it (with a zone or nanoseconds). */
function dateOf(value: unknown): string | null {
  const node = obj(value);
  const d = text1(node, 'Dt') ?? text1(node, 'DtTm')?.slice(0, 10);
  return d && isIsoDate(d) ? d : null;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function obj(value: unknown): Node | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && typeof v === 'object' ? (v as Node) : undefined;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function textOf(value: unknown): string | undefined {
  const v = first(value);
  if (typeof v === 'string') return v.trim() || undefined;
  if (v && typeof v === 'object' && '#text' in v) return textOf((v as Node)['#text']);
  return undefined;
}

function text1(node: Node | undefined, key: string): string | undefined {
  return node ? textOf(node[key]) : undefined;
}

function attrOf(value: unknown, name: string): string | undefined {
  const v = first(value);
  if (!v || typeof v !== 'object') return undefined;
  const a = (v as Node)[`@${name}`];
  return typeof a === 'string' ? a : undefined;
}
