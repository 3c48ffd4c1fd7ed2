/**
 * The data path's hot loop: the runtime asks which templates read `$$` and
 * evaluates their intrinsics once per invocation and once per Map item. The
 * templates are the configuration's, so both the scan and the parse must
 * happen once per template, not once per item: counted, not timed.
 */
import { contextReads } from '../../src/protocol/context';
import { applyTemplate } from '../../src/protocol/dataflow';
import * as intrinsics from '../../src/protocol/intrinsics';
import * as jsonpath from '../../src/protocol/jsonpath';

afterEach(() => jest.restoreAllMocks());

test('a 1,000-item Map\'s itemSelector: its intrinsic is parsed once and its $$ paths scanned once', () => {
  // Unique to this test, so no earlier evaluation has parsed it.
  const itemSelector = {
    'label.$': "States.Format('parse-once {} of {}', $$.Map.Item.Index, $.total)",
    'nested': [{ 'id.$': 'States.ArrayGetItem($$.Map.Item.Value, 0)' }],
  };
  // The parser checks each path argument with parseQuery (the evaluation's own path reads do not go through the export).
  const parsedPaths = jest.spyOn(jsonpath, 'parseQuery');
  // Only the scan for $$ (context.ts) lists an expression's paths.
  const scanned = jest.spyOn(intrinsics, 'intrinsicPaths');
  const out: unknown[] = [];
  for (let index = 0; index < 1000; index++) {
    const reads = contextReads([itemSelector], []);
    expect(reads).toEqual({ context: true, sessionRecord: false });
    const context = { Map: { Item: { Index: index, Value: [`i${index}`] } } };
    out.push(applyTemplate(itemSelector, { total: 1000 }, 'ItemSelector', context));
  }
  expect(out[999]).toEqual({ label: 'parse-once 999 of 1000', nested: [{ id: 'i999' }] });
  // Two expressions with three path arguments: each checked once, at the one parse of its expression (by the scan for $$).
  expect(parsedPaths).toHaveBeenCalledTimes(3);
  expect(scanned).toHaveBeenCalledTimes(2);
  expect(intrinsics.parsedIntrinsic(itemSelector['label.$'])).toBe(intrinsics.parsedIntrinsic(itemSelector['label.$']));
});

test('an expression that does not parse is not kept: it fails every time with the same error', () => {
  const bad = { 'x.$': "States.Format('unclosed" };
  expect(() => applyTemplate(bad, {}, 'Parameters')).toThrow(/Parameters: 'x\.\$'/);
  expect(() => applyTemplate(bad, {}, 'Parameters')).toThrow(/Parameters: 'x\.\$'/);
});
