// A first load: an import into a ledger without invoices (issue 16). Every row is new, so the
// write can skip what only matters for a table that already has rows:
// - the secondary indexes of `invoices` are dropped inside the import's transaction and built
//   again, each in one sorted pass, before COMMIT (a live index costs a b-tree insert per row),
//   except a partial index no imported row can enter (`invoices_handed_over`);
// - foreign keys are off for the connection during the transaction (SQLite only lets them be
//   switched outside one), so no row pays a lookup into `debtors` and `imports`, and the
//   multi-row INSERTs need no statement journal; instead every foreign key of the tables the
//   import writes is checked once, as a set, before COMMIT, and any orphan refuses the import.
// - the triggers that drop a debtor's stored `status` share when its facts change (migration 21)
//   are dropped too, and every stored share is deleted once instead of row by row;
// CHECK constraints stay on row by row: turning them off (`ignore_check_constraints`) and checking
// every row once with `PRAGMA quick_check` before COMMIT cost as much CPU time (1.5 µs a row), and
// moved it from the writer thread's time while the rows arrive to the serial end of the import.
// Nothing is visible before COMMIT and a crash rolls everything back, the dropped indexes too.
import { AppError } from '../errors.js';
import type { Db } from './ledger.js';

/**
 * Indexes that stay live during a first load: partial indexes no imported row can enter (an
 * import writes invoices as 'open' or 'paid'), so they cost nothing per row and a rebuild would
 * cost a scan of the whole table for nothing.
 */
const LIVE_DURING_LOAD = new Set(['invoices_handed_over']);

/** The tables an import writes; their foreign keys are checked before COMMIT. */
const WRITTEN_TABLES = ['imports', 'debtors', 'invoices', 'invoice_terms', 'import_changes', 'events', 'debtor_corrections', 'book_snapshots', 'book_snapshot_debtors'];

export class InvoiceBulkLoad {
  private indexes: { name: string; sql: string }[] = [];
  private triggers: { name: string; sql: string }[] = [];
  private begun = false;

  private constructor(private readonly db: Db) {}

  /** True when an import now would be a first load: the ledger has no invoices. */
  static applies(db: Db): boolean {
    return db.prepare('SELECT 1 FROM invoices LIMIT 1').get() === undefined;
  }

  /**
   * Call before BEGIN, under the writer lock: a bulk load when the ledger has no invoices (then
   * foreign keys are switched off for this connection until `close`), else null.
   */
  static prepare(db: Db): InvoiceBulkLoad | null {
    if (db.inTransaction) throw new Error('InvoiceBulkLoad.prepare: call it before BEGIN');
    if (!InvoiceBulkLoad.applies(db)) return null;
    db.pragma('foreign_keys = OFF');
    // Without live indexes the rows are appended; a small cache keeps the load's memory down
    // (the index builds spill their sort to temporary files instead).
    db.pragma('cache_size = -8192');
    return new InvoiceBulkLoad(db);
  }

  /** Inside the transaction, before the first row: drops the secondary indexes of `invoices`. */
  begin(): void {
    if (!this.db.inTransaction) throw new Error('InvoiceBulkLoad.begin: call it inside the transaction');
    this.indexes = this.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoices' AND sql IS NOT NULL ORDER BY name")
      .raw()
      .all()
      .map((r) => {
        const [name, sql] = r as [string, string];
        return { name, sql };
      })
      .filter((index) => !LIVE_DURING_LOAD.has(index.name));
    for (const index of this.indexes) this.db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
    const tables = WRITTEN_TABLES.map(() => '?').join(', ');
    this.triggers = this.db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'debtor\\_status\\_%' ESCAPE '\\' AND tbl_name IN (${tables}) ORDER BY name`)
      .raw()
      .all(...WRITTEN_TABLES)
      .map((r) => {
        const [name, sql] = r as [string, string];
        return { name, sql };
      });
    for (const trigger of this.triggers) this.db.exec(`DROP TRIGGER "${trigger.name.replace(/"/g, '""')}"`);
    this.begun = true;
  }

  /**
   * After the last row, before anything reads the invoices: builds the indexes again and checks
   * every foreign key of the written tables. Throws (and the caller rolls back) on an orphan.
   */
  finish(): void {
    if (!this.begun) return;
    // One thread: a sorter thread (`PRAGMA threads = 1`) made the four builds slower at a million
    // rows (1.38-1.57 s against 1.18-1.36 s, paired).
    for (const index of this.indexes) this.db.exec(index.sql);
    for (const trigger of this.triggers) this.db.exec(trigger.sql);
    // What the dropped triggers would have done row by row: no stored share survives the load.
    if (this.triggers.length > 0) this.db.exec('DELETE FROM debtor_status');
    this.begun = false;
    const orphans = foreignKeyOrphans(this.db);
    if (orphans.length > 0) {
      const o = orphans[0]!;
      const what = `${o.table}.${o.column} = ${JSON.stringify(o.value)} has no row in ${o.parent}${o.count > 1 ? `, and ${o.count - 1} more value${o.count === 2 ? '' : 's'}` : ''}`;
      throw new AppError('internal', `The import would leave rows pointing at nothing (${what}); nothing was imported.`, {
        hint: 'This is a bug in pre-incasso: please report it with the file that caused it.',
        data: { orphans: orphans.slice(0, 20) },
      });
    }
  }

  /** After COMMIT or ROLLBACK: foreign keys on again for this connection. */
  close(): void {
    if (this.db.open && !this.db.inTransaction) {
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('cache_size = -65536');
    }
  }
}

/**
 * The foreign keys of the written tables that find no parent, as a set: per key one anti-join of
 * the distinct child values against the parent (the distinct debtor numbers of the invoices come
 * from the rebuilt index in one ordered pass; a million invoices have a hundred thousand debtors).
 */
export function foreignKeyOrphans(db: Db): { table: string; column: string; parent: string; value: unknown; count: number }[] {
  const out: { table: string; column: string; parent: string; value: unknown; count: number }[] = [];
  const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
  const existing = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").raw().all() as [string][]).map((r) => r[0]));
  for (const table of WRITTEN_TABLES) {
    if (!existing.has(table)) continue;
    const keys = db.prepare(`SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)`).raw().all(table) as [string, string, string | null][];
    for (const [parent, column, to] of keys) {
      // `REFERENCES t` without a column names the parent's primary key.
      const parentColumn = to ?? primaryKeyOf(db, parent);
      const row = db
        .prepare(
          `SELECT count(*), min(c.v) FROM (SELECT DISTINCT ${q(column)} AS v FROM ${q(table)} WHERE ${q(column)} IS NOT NULL) c
           WHERE NOT EXISTS (SELECT 1 FROM ${q(parent)} p WHERE p.${q(parentColumn)} = c.v)`,
        )
        .raw()
        .get() as [number, unknown];
      if (row[0] > 0) out.push({ table, column, parent, value: row[1], count: row[0] });
    }
  }
  return out;
}

function primaryKeyOf(db: Db, table: string): string {
  const row = db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk = 1').raw().get(table) as [string] | undefined;
  return row?.[0] ?? 'rowid';
}
