// A name as compared for the amount rule of payment matching (and the workbench's "unmatched
// money" hints): letters and digits only, no accents, lower case.
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}
