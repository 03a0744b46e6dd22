// Compression of every stream a letter writes: the native zlib, one level for all. pdf-lib's own
// streams (the fonts' ToUnicode maps) go through pako, a JavaScript port several times slower, so
// a letter's document routes them here as well.
import { deflateSync } from 'node:zlib';
import type { PDFContext } from 'pdf-lib';

export function flate(data: Uint8Array): Buffer {
  return deflateSync(data);
}

/** Makes `context.flateStream` (public pdf-lib API, used by its font embedder) compress natively. */
export function useNativeFlate(context: PDFContext): void {
  context.flateStream = (contents, dict = {}) =>
    context.stream(flate(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents), { ...dict, Filter: 'FlateDecode' });
}
