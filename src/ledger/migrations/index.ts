// The numbered migrations, in order. Each runs in one transaction together with its version bump.
import * as m001 from './001-foundation.js';
import * as m002 from './002-dunning.js';
import * as m003 from './003-outbox.js';
import * as m004 from './004-payments.js';
import * as m005 from './005-handover.js';
import * as m008 from './008-payments-extra.js';
import * as m009 from './009-outbox-withdrawn.js';
import * as m010 from './010-account.js';
import * as m011 from './011-writer-claim.js';
import * as m012 from './012-letter-postings.js';
import * as m014 from './014-book-snapshots.js';
import * as m015 from './015-arrangements.js';
import * as m016 from './016-workbench.js';
import * as m020 from './020-handover-members.js';
import * as m021 from './021-debtor-status.js';
import * as m023 from './023-import-digest.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m008, m009, m010, m011, m012, m014, m015, m016, m020, m021, m023];
export const LATEST_VERSION = migrations[migrations.length - 1]!.version;
