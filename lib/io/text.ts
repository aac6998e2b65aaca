import { isAscii } from 'node:buffer';

/**
 * UTF-8 bytes as a string. ASCII is decoded as Latin-1, the same text, because Node 20 decodes
 * that several times faster than UTF-8 (scripts/synth.js does the same for the bundle, before any
 * of lib/ is loaded).
 */
export function decodeUtf8(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}
