/** lib/io/text.ts: the fast decode gives exactly what a UTF-8 decode gives. */
import { decodeUtf8 } from '../../lib/io/text';

describe('decodeUtf8', () => {
  test.each([
    ['ASCII', 'apiVersion: v1\nkind: ConfigMap\n'],
    ['empty', ''],
    ['Latin-1 range (é is two bytes in UTF-8, one in Latin-1)', 'café'],
    ['quotes, CJK and an astral character', 'l’examen 考试 😀'],
  ])('%s', (_label, text) => {
    const bytes = Buffer.from(text, 'utf8');
    expect(decodeUtf8(bytes)).toBe(text);
    expect(decodeUtf8(bytes)).toBe(bytes.toString('utf8'));
  });
});
