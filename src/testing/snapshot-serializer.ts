/**
 * A jest snapshot serializer for templates of apps that use cdk-unum:
 *
 *   // jest.config.js
 *   snapshotSerializers: ['cdk-unum/lib/testing/snapshot-serializer'],
 *
 * Asset hashes change with every byte of bundled code (your functions' and
 * the runtime layer's), which would fail snapshots for reasons unrelated to
 * the template. They print as `ASSET-HASH`, so a snapshot still fails when
 * the template itself changes. The compiled configuration that travels
 * gzipped (`UNUM_CONFIG_GZIP`) is printed decoded, so that a change of the
 * workflow shows as a readable diff instead of a new base64 string.
 */
import { gunzipSync } from 'zlib';
import { ENV } from '../protocol/config';

const ASSET_HASH = /[a-f0-9]{64}/;
const ASSET_HASHES = /[a-f0-9]{64}/g;
const DECODED = `${ENV.CONFIG_GZIP} (decoded by the cdk-unum snapshot serializer)`;

type Printer = (value: unknown, config: unknown, indentation: string, depth: number, refs: unknown) => string;

export function test(value: unknown): boolean {
  if (typeof value === 'string') return ASSET_HASH.test(value);
  return isPlainObject(value) && typeof value[ENV.CONFIG_GZIP] === 'string';
}

export function serialize(value: unknown, config: unknown, indentation: string, depth: number, refs: unknown, printer: Printer): string {
  if (typeof value === 'string') return printer(value.replace(ASSET_HASHES, 'ASSET-HASH'), config, indentation, depth, refs);
  const { [ENV.CONFIG_GZIP]: packed, ...rest } = value as Record<string, unknown>;
  return printer({ ...rest, [DECODED]: decode(packed as string) }, config, indentation, depth, refs);
}

function decode(packed: string): unknown {
  try {
    return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8'));
  } catch {
    // Not ours to judge here: a value that does not decode is shown as it is.
    return packed;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
