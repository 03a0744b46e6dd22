// CHECK fragments shared by the migrations: the ledger refuses malformed dates at the source.
export const DATE_CHECK = (column: string): string =>
  `(${column} GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]')`;
