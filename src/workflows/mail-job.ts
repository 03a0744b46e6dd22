// `mail`: the job of delivering the outbox. It opens the ledger (writing: rendering fills in
// missing PDFs, sending records each message's state), renders what has no PDF yet, then sends
// the waiting e-mails over SMTP or, as a dry run, writes them as .eml files and sends nothing.
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { openLedger } from '../ledger/ledger.js';
import type { LedgerAt } from './ledger-session.js';
import { letterTextsFor } from './deliver.js';
import { renderPendingLetters } from './write-letters.js';
import { previewMail, sendMail, type MailContext } from './send-mail.js';

export interface MailJobRequest {
  at: LedgerAt;
  loaded: LoadedConfig;
  cwd: string;
  /** Write the messages as .eml files into `out` (default `mail-preview`) instead of sending. */
  dryRun: boolean;
  out?: string | undefined;
  resendUnknown: boolean;
}

export type MailJobResult =
  | { dryRun: true; json: Record<string, unknown>; lines: string[] }
  | { dryRun: false; json: Record<string, unknown>; /** Throws the delivery error (exit 6) when something was not delivered. */ finish(): void };

export async function mailJob(ctx: MailContext, req: MailJobRequest): Promise<MailJobResult> {
  const ledger = openLedger(req.at.ledgerPath, { command: req.at.commandLine });
  try {
    // Rendering is allowed in a dry run too: it fills in missing PDFs, it sends nothing.
    await renderPendingLetters(ledger.db, req.loaded, ctx.today);
    const texts = letterTextsFor(ledger.db, req.loaded);
    const resendUnknown = req.resendUnknown;
    if (req.dryRun) {
      const dir = path.resolve(req.cwd, req.out ?? 'mail-preview');
      const preview = await previewMail(ctx, ledger.db, req.loaded, { texts, dir, cwd: req.cwd, resendUnknown });
      return { dryRun: true, ...preview };
    }
    const outcome = await sendMail(ctx, ledger.db, req.loaded, { texts, resendUnknown });
    return { dryRun: false, json: outcome.json, finish: () => outcome.finish() };
  } finally {
    ledger.close();
  }
}
