/**
 * cdk-unum benchmarks (issue 5). Not a test: it prints figures.
 *
 *   npm run bench -- [--quick] [--only store,cost,engine,layer,synth,fanout,cli,python] [--json FILE]
 *
 * --quick skips the 10,000-way join and takes fewer repetitions (a smoke run).
 * Writes the figures as JSON to bench/results/latest.json (or --json FILE)
 * and prints them as tables. See bench/README.md for the method.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, totalmem, type } from 'os';
import { dirname, join } from 'path';
import { round } from './lib/stats';
import { BenchServers } from './lib/world';
import { runCliReadBench, CliReadResults } from './parts/cli-reads';
import { runCostBench, CostResults } from './parts/cost';
import { runEngineBench, EngineResults } from './parts/engine';
import { runFanoutBench, FanoutResults } from './parts/fanout';
import { runLayerBench, LayerResults } from './parts/layer';
import { runPythonRuntimeBench, PythonRuntimeResults } from './parts/python-runtime';
import { runStoreBench, StoreResults } from './parts/store';
import { runSynthBench, SynthCase } from './parts/synth';
import { PRICES } from './prices';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION ??= 'us-east-1';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : undefined;
const jsonArg = args.indexOf('--json');
const jsonFile = jsonArg >= 0 ? args[jsonArg + 1] : join(__dirname, 'results', 'latest.json');
const want = (part: string): boolean => only === undefined || only.includes(part);
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function table(title: string, header: string[], rows: Array<Array<string | number | undefined>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [`\n${title}\n`, line(header), `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

interface Target {
  readonly target: string;
  readonly figure: string;
  readonly met: boolean | undefined;
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = {
    date: started.toISOString(),
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    os: type(),
    quick,
    command: `npm run bench --${args.length ? ` ${args.join(' ')}` : ''}`,
    prices: { date: PRICES.date, region: PRICES.region, fetchedLive: false },
  };
  log(`cdk-unum bench: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ${machine.date}${quick ? ', --quick' : ''}`);

  let store: (StoreResults & { runs?: unknown }) | undefined;
  let cost: CostResults | undefined;
  let engine: EngineResults | undefined;
  let layer: LayerResults | undefined;
  let synth: SynthCase[] | undefined;
  let cli: CliReadResults | undefined;
  let fanout: FanoutResults | undefined;

  if (want('store') || want('cost') || want('engine') || want('fanout')) {
    const servers = await BenchServers.start();
    try {
      if (want('store') || want('cost')) {
        log('1. store requests per transition');
        const s = await runStoreBench(servers, { quick, log });
        store = s;
        if (want('cost')) {
          log('2. cost per 1M executions');
          cost = await runCostBench(servers, s, s.runs, { log });
        }
      }
      if (want('engine')) {
        log('3. local engine');
        engine = await runEngineBench(servers, { quick, log });
      }
      if (want('fanout')) {
        log('6. fan-outs of any size, cost of duplicates');
        fanout = await runFanoutBench(servers, { quick, log });
      }
    } finally {
      await servers.stop();
    }
  }
  if (want('layer')) {
    log('4. runtime layer');
    layer = runLayerBench({ runs: quick ? 9 : 15, log });
  }
  let python: PythonRuntimeResults | undefined;
  if (want('python')) {
    log('8. Python runtime');
    python = runPythonRuntimeBench({ runs: quick ? 9 : 15, requests: true, log });
  }
  if (want('synth')) {
    log('5. synthesis');
    synth = runSynthBench({ quick, log });
  }
  if (want('cli')) {
    log('7. unum status / result on a finished session');
    cli = runCliReadBench({ quick, log });
  }

  const out: string[] = [];
  out.push(`cdk-unum benchmarks — ${machine.date} — ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, node ${machine.node}, ${machine.os}`);
  out.push(`command: ${machine.command}`);
  const targets: Target[] = [];

  if (store) {
    const c = store.calibration;
    out.push(`\nDynamoDB Local's capacity accounting (check): put 2,500 B = ${c.put2500BytesWcu} WCU, put 9,000 B = ${c.put9000BytesWcu} WCU, `
      + `consistent get 2,500 B = ${c.consistentGet2500BytesRcu} RCU, 9,000 B = ${c.consistentGet9000BytesRcu} RCU, delete 2,500 B = ${c.deleteWcu} WCU`);
    out.push(table('1. Store requests and capacity units per execution (DynamoDB + S3, counted at the servers)',
      ['shape', 'N', 'transitions', 'store req', 'req/transition', 'req/branch', 'RCU', 'WCU', 'WCU/branch', 'max writes 1 key', 'hottest key', 'runs', 'stable', 'median ms', 'ok'],
      store.shapes.map((s) => [s.shape, s.n, s.transitions, s.storeRequests, s.storeRequestsPerTransition, s.perBranch, s.rcu, s.wcu, s.wcuPerBranch,
        s.maxWritesPerKey, s.hottestKeyKind, s.runs, s.stable ? 'yes' : 'NO', s.medianMs, s.ok ? 'yes' : 'NO'])));
    const chain = store.shapes.find((s) => s.shape === 'chain of 10');
    if (chain?.steadyTransition) out.push(`chain: a middle node's requests: ${JSON.stringify(chain.steadyTransition)}`);
    const maps = store.shapes.filter((s) => s.shape === 'map → join');
    for (const m of maps) out.push(`map → join N=${m.n}: per branch ${JSON.stringify(m.perBranchDetail)}; join target ${m.targetRequests} requests; ${m.shards} shard(s)`);
    const per = maps.map((m) => m.perBranch ?? NaN);
    targets.push({
      target: '≤ 4 store requests per join branch, flat from N = 10 to 10,000',
      figure: maps.map((m) => `${m.n}: ${m.perBranch}`).join(', '),
      // Flat: within a quarter request from N = 10 to the largest N; undecided when 10,000 was skipped.
      met: Math.max(...per) > 4 || Math.max(...per) - Math.min(...per) > 0.25 ? false : maps.some((m) => m.n === 10000) ? true : undefined,
    });
    const m10k = maps.find((m) => m.n === 10000);
    targets.push({
      target: 'total write units of a 10,000-way join ≤ 5 × N (50,000)',
      figure: m10k ? `${m10k.wcu} WCU (${m10k.wcuPerBranch} per branch)` : 'not measured (--quick)',
      met: m10k ? m10k.wcu <= 5 * 10000 : undefined,
    });
  }
  if (cost) {
    out.push(table(`2. US dollars per 1 million executions (prices ${PRICES.date}, ${PRICES.region}, not fetched live; Express: ${cost.expressTaskSeconds * 1000} ms per task on the critical path, 64 MB)`,
      ['workflow', 'tasks', 'SFN transitions', 'store req', 'RCU', 'WCU', 'S3 put/get', 'Lambda req $', 'cdk-unum $', 'SFN Standard $', 'SFN Express $', 'orig. unum $', 'Std/unum', 'Expr/unum', 'orig/unum', 'ok'],
      [...cost.examples, ...cost.shapes].map((r) => [r.workflow, r.tasks, r.sfnTransitions, r.storeRequests, r.rcu, r.wcu, `${r.s3Put}/${r.s3Get}`,
        r.usd.lambdaRequests, r.usd.unum, r.usd.sfnStandard, r.usd.sfnExpress, r.usd.originalUnum,
        r.ratios.standardOverUnum, r.ratios.expressOverUnum, r.ratios.originalOverUnum, r.ok ? 'yes' : 'NO'])));
    out.push(`orchestration $ per 1M chain transitions: cdk-unum ${cost.chain.steadyState} steady state (a middle node), ${cost.chain.allIn} all-in `
      + `(session record and result included); Step Functions Standard ${cost.chain.sfnStandard}; original unum model ${cost.chain.originalUnum}`);
    targets.push({ target: '≤ $1.5 orchestration cost per 1M chain transitions', figure: `$${cost.chain.allIn} all-in, $${cost.chain.steadyState} steady state`, met: cost.chain.allIn <= 1.5 });
  }
  if (engine) {
    const rows = (name: string, x: EngineResults['chain100']) => [
      [`${name}: local engine (unum run)`, x.engine.sessionMs, x.engine.perHopMs, x.engine.transitionsPerSecond, x.engineOverFloor],
      [`${name}: in-process runtime + servers`, x.inProcess.sessionMs, x.inProcess.perHopMs, x.inProcess.transitionsPerSecond, x.inProcessOverFloor],
      [`${name}: floor (direct calls)`, x.floor.sessionMs, x.floor.perHopMs, x.floor.transitionsPerSecond, 1],
    ];
    const warm = engine.chain100Warm;
    out.push(table(`3. Local engine (engine concurrency ${engine.concurrency.engine}, in-process ${engine.concurrency.inProcess}; medians)`,
      ['run', 'session ms', 'ms per hop/instance', 'transitions/s', '× floor'],
      [...rows('chain of 100', engine.chain100),
        ...(warm ? [['chain of 100: local engine, all 100 sandboxes warm', warm.sessionMs, warm.perHopMs, warm.transitionsPerSecond, warm.overFloor]] : []),
        ...rows('map of 1000', engine.map1000)]));
    out.push(`chain of 100, default pool (32 sandboxes): ${engine.chain100DefaultColdPerRun} cold starts per run; warm pool: ${warm?.coldPerRun} cold starts per run`);
    out.push(`512-way map: all item invocations issued in ${engine.issue512.engineMs} ms (engine), ${engine.issue512.inProcessMs} ms (in process), first to last accepted by the Lambda endpoint`);
    const best = Math.min(engine.chain100.engineOverFloor, warm?.overFloor ?? Infinity);
    targets.push({ target: 'local engine within 5 × the in-process floor per hop', figure: `${best} × (chain of 100, warm), ${engine.map1000.engineOverFloor} × (map of 1000)`, met: best <= 5 });
  }
  if (layer) {
    out.push(table(`4. Runtime layer (${layer.bundle}; medians of ${layer.runs} fresh processes)`,
      ['figure', 'value'],
      [['size raw (bytes)', layer.rawBytes], ['size gzip (bytes)', layer.gzipBytes], ['empty node process (ms)', layer.emptyNodeMs],
        ['cold import: process wall time minus empty node (ms)', layer.coldProcessMs], ['cold require, SDK loaded with it (ms)', layer.coldRequireMs],
        ['require with the SDK clients already loaded (ms)', layer.requireWithSdkLoadedMs], ['the three SDK clients alone (ms)', layer.sdkOnlyMs]]));
    targets.push({ target: 'layer ≤ 60 KB', figure: `${round(layer.rawBytes / 1024, 1)} KB raw, ${round(layer.gzipBytes / 1024, 1)} KB gzip`, met: layer.rawBytes <= 60 * 1024 });
    targets.push({ target: 'cold import ≤ 30 ms: the layer\'s own code (SDK clients preloaded, as Lambda\'s runtime has them)', figure: `${layer.requireWithSdkLoadedMs} ms`, met: layer.requireWithSdkLoadedMs <= 30 });
    targets.push({ target: 'cold import ≤ 30 ms: fresh process, the SDK clients it imports included', figure: `${layer.coldProcessMs} ms (the SDK clients alone: ${layer.sdkOnlyMs} ms)`, met: layer.coldProcessMs <= 30 });
  }
  if (python) {
    out.push(table(`8. Python runtime (assets/layer/python/unum_runtime, ${python.files} files; Python ${python.python}, boto3 ${python.boto3}; medians of ${python.runs} fresh processes, no bytecode cache)`,
      ['figure', 'value'],
      [['size raw (bytes)', python.rawBytes], ['size gzip (bytes)', python.gzipBytes],
        ['import unum_runtime.entry (ms)', python.importEntryMs], ['cold start: import + boto3 + three clients (ms)', python.coldStartMs],
        ['boto3 + three clients alone (ms)', python.boto3OnlyMs], ['Node: require(runtime.js), its SDK clients included (ms)', python.nodeRequireMs]]));
    const ops = [...new Set(python.requests.flatMap((r) => [...Object.keys(r.node), ...Object.keys(r.python)]))].sort();
    out.push(table('8. Store requests per workflow: Node runtime / Python runtime (counting proxy)',
      ['case', ...ops, 'same requests'],
      python.requests.map((r) => [r.case, ...ops.map((o) => `${r.node[o] ?? 0} / ${r.python[o] ?? 0}`), r.equal ? 'yes' : 'NO'])));
    targets.push({ target: 'Python runtime: the same store requests as Node for every workflow', figure: `${python.requests.filter((r) => r.equal).length}/${python.requests.length} cases`, met: python.requests.every((r) => r.equal) });
  }
  if (synth) {
    out.push(table('5. Synthesis (fresh process per run; medians)',
      ['nodes', 'code', 'stacks', 'resources', 'construct ms', 'synth ms', 'construct+synth ms', 'process ms', 'ok'],
      synth.map((c) => [c.nodes, c.code, c.resources ? Object.keys(c.resources).length : undefined,
        c.resources ? Object.values(c.resources).join('+') : undefined, c.constructMs, c.synthMs, c.totalMs, c.processMs, c.ok ? 'yes' : `NO: ${c.error?.split('\n')[0]}`])));
    const s500 = synth.find((c) => c.nodes === 500);
    targets.push({
      target: '500-node synth ≤ 15 s',
      figure: s500?.ok ? `${round(s500.totalMs! / 1000, 1)} s construct+synth, ${round(s500.processMs! / 1000, 1)} s process` : `failed: ${s500?.error}`,
      met: s500?.ok ? s500.processMs! <= 15000 : false,
    });
  }
  if (fanout) {
    const w = fanout.wide;
    if (w) {
      out.push(table('6a. A Map far larger than one invocation can issue (in-process runtime, each invocation told its time left)',
        ['items', 'timeout s', 'session ms', 'fan-out invocations', 'longest fan-out invocation ms', 'item invocations', 'invocations', 'ok'],
        [[w.n, w.timeoutMs / 1000, w.sessionMs, w.fanoutInvocations, w.fanoutMaxMs, w.itemInvocations, w.lambdaInvocations, w.ok ? 'yes' : 'NO']]));
      targets.push({ target: 'a 100,000-item Map completes from a function with the default 60 s timeout', figure: `${w.fanoutInvocations} invocations, longest ${w.fanoutMaxMs} ms`, met: w.ok });
    }
    out.push(table('6b. Invocations per session under duplicate deliveries (seeded; mean over runs)',
      ['shape', 'fault-free', 'duplicate rate', 'runs', 'mean', 'max', 'ratio', 'ok'],
      fanout.duplicates.map((d) => [d.shape, d.faultFree, d.rate, d.runs, d.meanWithDuplicates, d.maxWithDuplicates, d.ratio, d.ok ? 'yes' : 'NO'])));
    targets.push({
      target: 'invocations at 10 % duplicates within 1.3 × fault-free (loop with join, diamond in map)',
      figure: fanout.duplicates.map((d) => `${d.shape} ×${d.ratio}`).join(', '),
      met: fanout.duplicates.every((d) => d.ok && d.ratio <= 1.3),
    });
  }
  if (cli) {
    out.push(table(`7. unum status / result of a finished session: whole CLI processes (medians of ${cli.runs}; from the store: fewer runs)`,
      ['answered from', 'status ms', 'result ms'],
      [['ended-session record', cli.statusFromRecordMs, cli.resultFromRecordMs], ['the store (DynamoDB Local + S3 server booted)', cli.statusFromStoreMs, cli.resultFromStoreMs]]));
    targets.push({
      target: 'unum status / result of a finished session < 1 s (median), no JVM',
      figure: `${cli.statusFromRecordMs} / ${cli.resultFromRecordMs} ms (from the store: ${cli.statusFromStoreMs} ms, ${cli.storeOverRecord} ×)`,
      met: Math.max(cli.statusFromRecordMs, cli.resultFromRecordMs) < 1000,
    });
  }
  out.push(table('Targets', ['target', 'figure', 'met'], targets.map((t) => [t.target, t.figure, t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO'])));

  const text = out.join('\n');
  process.stdout.write(`${text}\n`);
  const storeJson = store && { calibration: store.calibration, shapes: store.shapes };
  const json = { machine, store: storeJson, cost, engine, layer, synth, fanout, cli, python, targets };
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(jsonFile.replace(/\.json$/, '.txt'), `${text}\n`);
  log(`\nwrote ${jsonFile}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
