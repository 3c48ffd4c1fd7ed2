/**
 * Snapshot serializer: asset hashes change with every byte of bundled code,
 * which would make template snapshots fail for reasons unrelated to the
 * template. Replace them with a stable marker so snapshots still fail when
 * the template itself changes.
 */
const HAS_ASSET_HASH = /[a-f0-9]{64}/;
const ASSET_HASHES = /[a-f0-9]{64}/g;

module.exports = {
  test: (value: unknown) => typeof value === 'string' && HAS_ASSET_HASH.test(value),
  serialize: (value: string, config: any, indentation: string, depth: number, refs: any, printer: any) =>
    printer(value.replace(ASSET_HASHES, 'ASSET-HASH'), config, indentation, depth, refs),
};
