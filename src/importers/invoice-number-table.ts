/**
 * The invoice numbers seen in a file, to find duplicates: an open-addressing hash table whose
 * keys are copied into one growing character array. A `Map<string, number>` of a million
 * strings cost about a second per million rows, nearly all of it garbage collection (every key
 * is a young string referenced from the old map, so each minor GC has to copy it); this table
 * holds no JS objects per entry. Memory: 1 byte per character (2 once a number has a character
 * beyond Latin-1) plus 16 bytes per number.
 */
export class InvoiceNumberTable {
  private slots = new Int32Array(1 << 12); // entry index + 1; 0 = empty
  private hashes = new Int32Array(1 << 11);
  private starts = new Int32Array(1 << 11);
  private lengths = new Int32Array(1 << 11);
  private lines = new Int32Array(1 << 11);
  private chars: Uint8Array | Uint16Array = new Uint8Array(1 << 14);
  private used = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The line where `key` was first added, or 0 after adding it now with `line` (> 0). */
  firstLine(key: string, line: number): number {
    const n = key.length;
    let h = 0x811c9dc5 | 0; // FNV-1a, kept a signed 32-bit integer like the Int32Array it is stored in
    for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const e = this.slots[slot]! - 1;
      if (e < 0) break;
      if (this.hashes[e] === h && this.lengths[e] === n && this.equals(e, key)) return this.lines[e]!;
      slot = (slot + 1) & mask;
    }
    // Add.
    if (this.count === this.hashes.length) this.growEntries();
    let wide = false;
    if (this.chars instanceof Uint8Array) for (let i = 0; i < n && !wide; i++) wide = key.charCodeAt(i) > 0xff;
    if (wide || this.used + n > this.chars.length) {
      let size = this.chars.length;
      while (size < this.used + n) size *= 2;
      const chars = wide || this.chars instanceof Uint16Array ? new Uint16Array(size) : new Uint8Array(size);
      chars.set(this.chars.subarray(0, this.used));
      this.chars = chars;
    }
    const e = this.count++;
    for (let i = 0; i < n; i++) this.chars[this.used + i] = key.charCodeAt(i);
    this.hashes[e] = h;
    this.starts[e] = this.used;
    this.lengths[e] = n;
    this.lines[e] = line;
    this.used += n;
    this.slots[slot] = e + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return 0;
  }

  private equals(e: number, key: string): boolean {
    const start = this.starts[e]!;
    for (let i = 0; i < key.length; i++) if (this.chars[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private growEntries(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes);
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.lines = grow(this.lines);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = this.hashes[e]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
  }
}
