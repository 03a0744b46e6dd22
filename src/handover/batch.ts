// A batch's file: what it is made of (members) and writing it. The members are made once, when
// the batch is made — handover.json, handover.csv and SHA256SUMS deflated, each letter as a
// reference to its PDF in the ledger — and stored with the batch (src/ledger/handovers.ts). The
// file is then written from them, the same way the first time and every time after (`export
// --batch`, recovery after a crash): the archive is streamed to a temp file one member at a time,
// each PDF read from the ledger when its turn comes and checked against its recorded SHA-256.
import path from 'node:path';
import { Inflate } from 'fflate';
import { AppError } from '../errors.js';
import { writeTempStream, type ChunkWriter } from '../platform/files.js';
import type { IsoDate } from '../domain/dates.js';
import type { BatchMember, CaseSummary, HandoverFormat } from '../ledger/handovers.js';
import { buildHandover } from './case.js';
import type { HandoverDocument } from './case-types.js';
import { handoverCsvChunks } from './csv.js';
import { handoverJsonChunks } from './json.js';
import { handoverLegal, type HandoverSettings, type Selection } from './select.js';
import { packMember, sha256Hex, sha256SumsText, SHA256SUMS, ZipStream, type PackedMember } from './zip.js';
import { createHash } from 'node:crypto';

export function handoverFileName(today: IsoDate, batch: number, format: HandoverFormat): string {
  return `handover-${today}-${batch}.${format}`;
}

export function summarise(document: HandoverDocument): CaseSummary[] {
  return document.cases.map((c) => ({
    case_reference: c.case_reference,
    debtor: c.debtor.number,
    name: c.debtor.name,
    type: c.debtor.type,
    invoices: c.claims.map((x) => x.invoice_number),
    open_cents: c.totals.open_cents,
    collection_costs_cents: c.totals.collection_costs_cents,
    interest_cents: c.totals.interest_cents,
    total_cents: c.totals.total_cents,
  }));
}

export interface BuiltBatch {
  document: HandoverDocument;
  cases: CaseSummary[];
  warnings: string[];
  /** The file's members in order (empty for a preview). */
  members: BatchMember[];
}

const packed = (m: PackedMember): BatchMember => ({ path: m.path, sha256: m.sha256, size: m.size, letterId: null, crc32: m.crc, deflated: Buffer.from(m.deflated) });

/** The document of a batch and, unless `preview`, the members of its file. */
export function buildBatch(selection: Selection, settings: HandoverSettings, batch: number, options: { preview?: boolean } = {}): BuiltBatch {
  const zip = settings.format === 'zip' && options.preview !== true;
  const built = buildHandover({
    batch,
    exportDate: settings.today,
    generatedBy: settings.generatedBy,
    creditor: settings.policy.creditor,
    dayCount: settings.dayCount,
    includeNotes: settings.includeNotes,
    letterFiles: zip,
    cases: selection.cases,
    legal: handoverLegal(settings.policy),
  });
  const { document } = built;
  // One line per distinct warning, naming the debtors it concerns (the rate-table warning is
  // usually the same for every case).
  const byText = new Map<string, string[]>();
  for (const c of document.cases) for (const w of c.warnings) byText.set(w, [...(byText.get(w) ?? []), c.debtor.number]);
  const warnings = [...byText].map(([w, debtors]) => `${w} (debtor${debtors.length === 1 ? '' : 's'} ${debtors.join(', ')})`);
  const result = { document, cases: summarise(document), warnings: [...selection.warnings, ...warnings] };
  if (options.preview) return { ...result, members: [] };
  if (settings.format === 'json') return { ...result, members: [packed(packMember('handover.json', handoverJsonChunks(document)))] };
  if (settings.format === 'csv') return { ...result, members: [packed(packMember('handover.csv', handoverCsvChunks(document)))] };
  const members: BatchMember[] = [packed(packMember('handover.json', handoverJsonChunks(document))), packed(packMember('handover.csv', handoverCsvChunks(document)))];
  for (const f of built.letterFiles) {
    const pdf = selection.pdfs.get(f.letterId)!;
    members.push({ path: f.path, sha256: pdf.sha256, size: pdf.size, letterId: f.letterId, crc32: null, deflated: null });
  }
  members.push(packed(packMember(SHA256SUMS, [sha256SumsText(members)])));
  return { ...result, members };
}

/** A text member's plain bytes, piece by piece. */
function inflateMember(member: BatchMember, write: ChunkWriter): void {
  const inflate = new Inflate((chunk) => write(chunk));
  inflate.push(member.deflated!, true);
}

/** A text member's plain bytes (a ZIP batch's handover.csv written on its own). */
export function memberBytes(member: BatchMember): Buffer {
  const chunks: Uint8Array[] = [];
  inflateMember(member, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

/**
 * Writes the batch's file to a new temp file next to `target` (0600, never through a symlink)
 * and returns it with the file's SHA-256. A ZIP is streamed member by member; a csv or json
 * batch is its one member inflated. A PDF that is gone or differs from its recorded hash stops
 * the write: the temp file is removed, nothing is recorded.
 */
export function writeBatchTemp(
  target: string,
  format: HandoverFormat,
  today: IsoDate,
  members: readonly BatchMember[],
  readPdf: (letterId: number) => Buffer | null,
  onProgress?: (done: number, total: number) => void,
): { tmp: string; sha256: string } {
  const hash = createHash('sha256');
  const tmp = writeTempStream(target, (writeFile) => {
    const write: ChunkWriter = (chunk) => {
      hash.update(chunk);
      writeFile(chunk);
    };
    if (format !== 'zip') {
      inflateMember(members[0]!, write);
      return;
    }
    const zip = new ZipStream(today, write);
    for (const [i, m] of members.entries()) {
      onProgress?.(i, members.length);
      if (m.letterId === null) {
        zip.addPacked({ path: m.path, crc: m.crc32!, size: m.size, sha256: m.sha256, deflated: m.deflated! });
        continue;
      }
      const pdf = readPdf(m.letterId);
      if (pdf === null || sha256Hex(pdf) !== m.sha256) {
        throw new AppError('ledger_corrupt', `The stored PDF of letter ${m.letterId} (${m.path}) ${pdf === null ? 'is gone' : 'does not match its recorded SHA-256'}.`, {
          hint: pdf === null
            ? 'Its dossier was purged (`privacy purge`) or the ledger was changed outside pre-incasso; the file cannot be written whole. Restore the ledger from a backup if you need it.'
            : 'The ledger was changed outside pre-incasso. Restore it from a backup; `pre-incasso doctor` checks integrity.',
        });
      }
      zip.addStored(m.path, pdf);
    }
    zip.end();
    onProgress?.(members.length, members.length);
  });
  return { tmp, sha256: hash.digest('hex') };
}

/** The temp files a crashed export left for this file name (`.<name>.<pid>.<random>.tmp`). */
export function isTempOf(entry: string, fileName: string): boolean {
  return entry.startsWith(`.${path.basename(fileName)}.`) && entry.endsWith('.tmp');
}
