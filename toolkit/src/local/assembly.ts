import { spawn } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { isAbsolute, join, resolve } from 'path';
import { ENV, ForwardTarget, PYTHON_RUNTIME_HANDLER, RECORDER_ENV, RUNTIME_HANDLER } from 'cdk-unum/lib/protocol/config';
import { ATTR } from 'cdk-unum/lib/protocol/keys';
import { TracingMode, tracingModeOf } from './tracing';

/**
 * Reads a synthesized CDK app (a cloud assembly): every stack template, the
 * workflow functions (CFN metadata `cdk-unum: { workflow, node, entry }`),
 * their code and layer asset directories, handlers, environments, timeouts
 * and async invocation settings, and the store tables and buckets the
 * functions reference. Also synthesizes an app command into a fresh assembly.
 */

/** A usage problem the user must fix (bad app, bad option): the CLI exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface LocalTable {
  readonly stack: string;
  readonly logicalId: string;
  /** The table's name on the local server. */
  readonly name: string;
  readonly keySchema: Array<{ AttributeName: string; KeyType: string }>;
  readonly attributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
  readonly globalSecondaryIndexes?: any[];
  readonly ttlAttribute?: string;
}

export interface LocalBucket {
  readonly stack: string;
  readonly logicalId: string;
  readonly name: string;
}

export interface LocalFunction {
  readonly stack: string;
  readonly logicalId: string;
  /** Physical name (FunctionName), the name successors invoke. */
  readonly functionName: string;
  /** Workflow metadata; undefined for functions outside any workflow. */
  readonly workflow?: string;
  readonly node?: string;
  readonly entry?: boolean;
  /** The code asset directory (LAMBDA_TASK_ROOT). */
  readonly codeDir: string;
  /** Layer asset directories, in the function's order (later ones win, as when Lambda merges them into /opt). */
  readonly layerDirs: string[];
  /** The handler module file and export (Handler resolved against /opt layers or the task root). */
  readonly handlerFile: string;
  readonly handlerExport: string;
  /** Python functions: the handler's module and sys.path (the task root, then the layers' python directories as /opt/python). */
  readonly python?: PythonHandler;
  /** Environment with references resolved to local names and /opt paths mapped onto layer directories. */
  readonly environment: Record<string, string>;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** Lambda's async retries (EventInvokeConfig MaximumRetryAttempts, default 2). */
  readonly maxRetryAttempts: number;
  /** EventInvokeConfig MaximumEventAgeInSeconds (default 6 hours). */
  readonly maxEventAgeSeconds: number;
  /** The on-failure destination, as written in the template (informational). */
  readonly onFailure?: string;
  /** The on-failure destination when it is a function of the app: Lambda sends it the events it gives up on. */
  readonly onFailureFunction?: string;
  /** TracingConfig.Mode: an Active function starts a trace when its invocation brings none. */
  readonly tracing: TracingMode;
}

export interface PythonHandler {
  /** Dotted module name, e.g. `unum_runtime.entry`. */
  readonly module: string;
  readonly path: string[];
}

export interface LocalWorkflow {
  readonly name: string;
  readonly stack: string;
  readonly entry: LocalFunction;
  /** Every function of the workflow (entry first). */
  readonly functions: LocalFunction[];
  /** The store table (UNUM_TABLE of the entry function). */
  readonly table: string;
  readonly bucket?: string;
}

export interface LocalApp {
  /** The cloud assembly directory. */
  readonly dir: string;
  readonly workflows: LocalWorkflow[];
  readonly functions: LocalFunction[];
  readonly tables: LocalTable[];
  readonly buckets: LocalBucket[];
}

const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;
const DEFAULT_MAX_EVENT_AGE_SECONDS = 6 * 3600;
const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';

interface StackTemplate {
  readonly name: string;
  readonly dir: string;
  readonly template: any;
  readonly assets: Record<string, string>;
}

/** Options of `synthesize`. */
export interface SynthOptions {
  /** The app command (like cdk.json's "app"). */
  readonly app: string;
  /** Where the assembly goes. */
  readonly outdir: string;
  /** Working directory of the app (default: the current one); cdk.json context is read from here. */
  readonly cwd?: string;
  /** Extra context values. */
  readonly context?: Record<string, unknown>;
  /** Receives the app's output lines (default: kept and shown only if synthesis fails). */
  readonly onOutput?: (line: string) => void;
}

/**
 * Runs the app command as the CDK CLI does (CDK_OUTDIR, CDK_CONTEXT_JSON
 * with cdk.json/cdk.context.json context), with asset metadata enabled so
 * resources name their asset directories.
 */
export async function synthesize(options: SynthOptions): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const context: Record<string, unknown> = {
    ...readJsonIfExists(join(cwd, 'cdk.json'))?.context,
    ...readJsonIfExists(join(cwd, 'cdk.context.json')),
    ...options.context,
    'aws:cdk:enable-asset-metadata': true,
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_OUTDIR: options.outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION ?? LOCAL_REGION,
    CDK_DEFAULT_ACCOUNT: process.env.CDK_DEFAULT_ACCOUNT ?? LOCAL_ACCOUNT,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
  const output: string[] = [];
  const code = await new Promise<number | string>((done) => {
    const child = spawn(options.app, { cwd, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer): void => {
      for (const line of d.toString('utf8').split(/\r?\n/)) {
        if (line === '') continue;
        output.push(line);
        options.onOutput?.(line);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', (e) => done(e.message));
    child.on('close', (c, signal) => done(c ?? `signal ${signal}`));
  });
  if (code !== 0) {
    const tail = output.slice(-40).map((l) => `  | ${l}`).join('\n');
    throw new UsageError(`the app command failed to synthesize (exit ${code}): ${options.app}\n`
      + `${tail || '  (no output)'}\nFix the app so that \`${options.app}\` runs, or pass an existing cloud assembly with --assembly.`);
  }
  if (!existsSync(join(options.outdir, 'manifest.json'))) {
    throw new UsageError(`the app command ran but wrote no cloud assembly to ${options.outdir}: `
      + 'does it create a cdk.App and call app.synth() (or leave it to autoSynth)?');
  }
  return options.outdir;
}

/** Reads every stack of a cloud assembly directory and resolves the workflow functions. */
export function loadAssembly(dir: string): LocalApp {
  const root = resolve(dir);
  if (!existsSync(join(root, 'manifest.json'))) {
    throw new UsageError(`${dir} is not a cloud assembly (no manifest.json): pass the cdk.out directory that \`cdk synth\` wrote`);
  }
  const stacks = readStacks(root);
  const tables: LocalTable[] = [];
  const buckets: LocalBucket[] = [];
  for (const stack of stacks) {
    for (const [id, r] of Object.entries<any>(stack.template.Resources ?? {})) {
      if (r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable') tables.push(localTable(stack, id, r));
      if (r.Type === 'AWS::S3::Bucket') buckets.push({ stack: stack.name, logicalId: id, name: localBucketName(stack.name, id, r.Properties?.BucketName) });
    }
  }
  const functions: LocalFunction[] = [];
  for (const stack of stacks) {
    for (const [id, r] of Object.entries<any>(stack.template.Resources ?? {})) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const unum = r.Metadata?.['cdk-unum'];
      // Functions outside workflows are resolved only when a workflow names them (lazily below).
      if (unum === undefined) continue;
      functions.push(localFunction(stack, id, r, { tables, buckets, stacks }));
    }
  }
  // Functions outside workflows that a failure recorder forwards to (a user's own onFailure).
  for (const fn of functions.filter((f) => f.environment[RECORDER_ENV.FORWARD] !== undefined)) {
    for (const to of recorderForwards(fn)) {
      if (to.kind !== 'lambda') continue;
      const name = to.target.split(':')[6] ?? to.target;
      if (functions.some((f) => f.functionName === name)) continue;
      const stack = stacks.find((st) => st.name === fn.stack)!;
      const found = Object.entries<any>(stack.template.Resources ?? {})
        .find(([id, r]) => r.Type === 'AWS::Lambda::Function' && localFunctionNameOf(stack.name, id, r.Properties) === name);
      if (found !== undefined) functions.push(localFunction(stack, found[0], found[1], { tables, buckets, stacks }));
    }
  }
  // Implicit tables: a store imported by name (fromTableName) is created locally with the protocol's keys.
  for (const fn of functions) {
    const name = fn.environment[ENV.TABLE];
    if (name !== undefined && !tables.some((t) => t.name === name)) {
      tables.push({
        stack: fn.stack,
        logicalId: '(imported)',
        name,
        keySchema: [{ AttributeName: ATTR.PK, KeyType: 'HASH' }, { AttributeName: ATTR.SK, KeyType: 'RANGE' }],
        attributeDefinitions: [{ AttributeName: ATTR.PK, AttributeType: 'S' }, { AttributeName: ATTR.SK, AttributeType: 'S' }],
        ttlAttribute: ATTR.TTL,
      });
    }
    const bucket = fn.environment[ENV.BUCKET];
    if (bucket && !buckets.some((b) => b.name === bucket)) buckets.push({ stack: fn.stack, logicalId: '(imported)', name: bucket });
  }
  return { dir: root, workflows: groupWorkflows(functions), functions, tables, buckets };
}

/** Whether a function's environment turns eager cleanup on (UNUM_EAGER_GC `1` or `true`, as the runtime reads it). */
export function eagerGcEnabled(fn: Pick<LocalFunction, 'environment'>): boolean {
  const value = fn.environment[ENV.EAGER_GC];
  return value === '1' || value === 'true';
}

/** A failure recorder's forwarding: function name → the user's own on-failure destination. */
export function recorderForwards(fn: LocalFunction): ForwardTarget[] {
  return Object.values<ForwardTarget>(JSON.parse(fn.environment[RECORDER_ENV.FORWARD] || '{}'));
}

/** The workflow to run: the named one, or the only one. */
export function selectWorkflow(app: LocalApp, name?: string): LocalWorkflow {
  if (app.workflows.length === 0) {
    throw new UsageError('no cdk-unum workflow in the app: define an UnumWorkflow in one of its stacks '
      + `(no Lambda function in ${app.dir} carries cdk-unum metadata)`);
  }
  const names = app.workflows.map((w) => w.name);
  if (name === undefined) {
    if (app.workflows.length > 1) {
      throw new UsageError(`the app has ${app.workflows.length} workflows (${names.join(', ')}): choose one with --workflow <name>`);
    }
    return app.workflows[0];
  }
  const found = app.workflows.filter((w) => w.name === name);
  if (found.length === 0) throw new UsageError(`no workflow named '${name}' in the app; its workflows: ${names.join(', ')}`);
  if (found.length > 1) {
    throw new UsageError(`workflow name '${name}' is used in several stacks (${found.map((w) => w.stack).join(', ')}); `
      + 'give the workflows distinct workflowName values');
  }
  return found[0];
}

function groupWorkflows(functions: LocalFunction[]): LocalWorkflow[] {
  const byKey = new Map<string, LocalFunction[]>();
  for (const fn of functions.filter((f) => f.node !== undefined)) {
    const key = `${fn.stack}\u0000${fn.workflow}`;
    byKey.set(key, [...(byKey.get(key) ?? []), fn]);
  }
  const workflows: LocalWorkflow[] = [];
  for (const fns of byKey.values()) {
    const entries = fns.filter((f) => f.entry);
    const name = fns[0].workflow!;
    if (entries.length !== 1) {
      throw new UsageError(`workflow '${name}' in stack ${fns[0].stack} has ${entries.length} entry functions (expected exactly one); `
        + 'was the assembly synthesized by a matching cdk-unum version?');
    }
    const entry = entries[0];
    const table = entry.environment[ENV.TABLE];
    if (!table) throw new UsageError(`workflow '${name}': the entry function ${entry.logicalId} has no ${ENV.TABLE} variable`);
    workflows.push({
      name,
      stack: entry.stack,
      entry,
      functions: [entry, ...fns.filter((f) => f !== entry)],
      table,
      bucket: entry.environment[ENV.BUCKET] || undefined,
    });
  }
  return workflows.sort((a, b) => a.name.localeCompare(b.name));
}

function readStacks(dir: string): StackTemplate[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const out: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const templateFile = artifact.properties?.templateFile;
      if (!templateFile) continue;
      const template = JSON.parse(readFileSync(join(dir, templateFile), 'utf8'));
      const name = artifact.properties?.stackName ?? artifact.displayName ?? id;
      out.push({ name, dir, template, assets: readAssetManifest(dir, manifest, id) });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      out.push(...readStacks(join(dir, artifact.properties.directoryName)));
    }
  }
  return out;
}

/** S3 object key → staged asset path, from the stack's asset manifest (used when asset metadata is absent). */
function readAssetManifest(dir: string, manifest: any, stackId: string): Record<string, string> {
  const map: Record<string, string> = {};
  const deps: string[] = manifest.artifacts?.[stackId]?.dependencies ?? [];
  for (const dep of deps) {
    const artifact = manifest.artifacts?.[dep];
    if (artifact?.type !== 'cdk:asset-manifest') continue;
    const assets = readJsonIfExists(join(dir, artifact.properties.file));
    for (const file of Object.values<any>(assets?.files ?? {})) {
      for (const dest of Object.values<any>(file.destinations ?? {})) {
        if (typeof dest.objectKey === 'string' && typeof file.source?.path === 'string') map[dest.objectKey] = file.source.path;
      }
    }
  }
  return map;
}

function localTable(stack: StackTemplate, id: string, r: any): LocalTable {
  const p = r.Properties ?? {};
  const ttl = p.TimeToLiveSpecification;
  return {
    stack: stack.name,
    logicalId: id,
    name: typeof p.TableName === 'string' ? p.TableName : sanitizeTableName(`${stack.name}-${id}`),
    keySchema: p.KeySchema ?? [],
    attributeDefinitions: p.AttributeDefinitions ?? [],
    globalSecondaryIndexes: p.GlobalSecondaryIndexes,
    ttlAttribute: ttl?.Enabled === true || ttl?.Enabled === 'true' ? ttl.AttributeName : undefined,
  };
}

function sanitizeTableName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 255);
}

function localBucketName(stack: string, id: string, declared: unknown): string {
  if (typeof declared === 'string') return declared;
  const name = `${stack}-${id}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63).replace(/[^a-z0-9]+$/, '');
  return name.length >= 3 ? name : `unum-${name}`;
}

interface Resolution {
  readonly tables: LocalTable[];
  readonly buckets: LocalBucket[];
  readonly stacks: StackTemplate[];
}

function localFunction(stack: StackTemplate, id: string, r: any, res: Resolution): LocalFunction {
  const p = r.Properties ?? {};
  const unum = r.Metadata?.['cdk-unum'];
  const what = `function ${id}${unum?.node ? ` (node '${unum.node}' of workflow '${unum.workflow}')` : ''} in stack ${stack.name}`;
  const resources = stack.template.Resources ?? {};
  if (typeof p.FunctionName !== 'string' && unum !== undefined) {
    throw new UsageError(`${what} has no fixed FunctionName; cdk-unum functions always have one — was the app synthesized by cdk-unum?`);
  }
  if (p.PackageType === 'Image' || p.Code?.ImageUri !== undefined) throw new UsageError(`${what} is a container image; the local engine runs zip (asset) functions only`);
  const codeDir = assetDir(stack, r, 'Code', p.Code, what);
  const layerDirs = (p.Layers ?? []).map((layer: any, i: number) => {
    const layerId = typeof layer === 'object' && layer !== null ? layer.Ref : undefined;
    const layerResource = layerId !== undefined ? resources[layerId] : undefined;
    if (layerResource?.Type !== 'AWS::Lambda::LayerVersion') {
      throw new UsageError(`${what}: layer ${i} (${JSON.stringify(layer)}) is not a layer built from an asset in the same stack; the local engine cannot load it`);
    }
    return assetDir(stack, layerResource, 'Content', layerResource.Properties?.Content, `${what}, layer ${layerId}`);
  });
  const handler = String(p.Handler ?? '');
  const runtime = String(p.Runtime ?? 'nodejs');
  const { file: handlerFile, exportName: handlerExport, python } = runtime.startsWith('python')
    ? resolvePythonHandler(handler, runtime, codeDir, layerDirs, what)
    : resolveHandler(handler, codeDir, layerDirs, what);

  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries<any>(p.Environment?.Variables ?? {})) {
    const resolved = resolveValue(value, stack, res);
    if (resolved === undefined) {
      throw new UsageError(`${what}: environment variable ${key} is ${JSON.stringify(value)}, which the local engine cannot resolve `
        + '(it resolves plain strings and references to the stack\'s tables, buckets and functions)');
    }
    environment[key] = mapOptPath(resolved, layerDirs);
  }

  const invokeConfig = Object.values<any>(resources).find((c) => c.Type === 'AWS::Lambda::EventInvokeConfig'
    && (c.Properties?.FunctionName?.Ref === id || c.Properties?.FunctionName === p.FunctionName));
  const ic = invokeConfig?.Properties ?? {};
  const onFailure = ic.DestinationConfig?.OnFailure?.Destination;
  return {
    stack: stack.name,
    logicalId: id,
    functionName: localFunctionNameOf(stack.name, id, p),
    workflow: unum?.workflow,
    node: unum?.node,
    entry: unum?.entry === true,
    codeDir,
    layerDirs,
    handlerFile,
    handlerExport,
    ...(python ? { python } : {}),
    environment,
    runtime,
    timeoutSeconds: Number(p.Timeout ?? DEFAULT_TIMEOUT_SECONDS),
    memorySize: Number(p.MemorySize ?? DEFAULT_MEMORY_MB),
    maxRetryAttempts: ic.MaximumRetryAttempts !== undefined ? Number(ic.MaximumRetryAttempts) : 2,
    maxEventAgeSeconds: ic.MaximumEventAgeInSeconds !== undefined ? Number(ic.MaximumEventAgeInSeconds) : DEFAULT_MAX_EVENT_AGE_SECONDS,
    onFailure: onFailure === undefined ? undefined : describeRef(onFailure),
    onFailureFunction: localFunctionName(onFailure, stack, res),
    tracing: tracingModeOf(p.TracingConfig),
  };
}

/** The directory of a function's code or a layer's content: asset metadata first, else the asset manifest by S3 key. */
function assetDir(stack: StackTemplate, resource: any, property: string, code: any, what: string): string {
  const meta = resource.Metadata ?? {};
  let path: string | undefined;
  if (meta['aws:asset:property'] === property && typeof meta['aws:asset:path'] === 'string') path = meta['aws:asset:path'];
  else if (typeof code?.S3Key === 'string') path = stack.assets[code.S3Key];
  if (path === undefined && property === 'Code' && typeof code?.ZipFile === 'string') return inlineCodeDir(code.ZipFile);
  if (path === undefined) {
    throw new UsageError(`${what}: cannot find its ${property === 'Code' ? 'code' : 'layer'} asset in the cloud assembly `
      + '(no aws:asset:path metadata and no matching asset manifest entry); synthesize with `unum run --app` or `cdk synth`');
  }
  const dir = isAbsolute(path) ? path : join(stack.dir, path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`${what}: asset ${dir} is missing or not a directory (a zip asset?); re-synthesize the app`);
  }
  return dir;
}

/**
 * Lambda stores a Node.js function's inline code (ZipFile) as `index.js`;
 * the engine does the same in a directory named after the content.
 */
function inlineCodeDir(source: string): string {
  const dir = join(tmpdir(), `cdk-unum-inline-${createHash('sha256').update(source).digest('hex').slice(0, 16)}`);
  if (!existsSync(join(dir, 'index.js'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), source);
  }
  return dir;
}

/** `dir/file.export` → the module file (against /opt layers when absolute under /opt, else the task root). */
function resolveHandler(handler: string, codeDir: string, layerDirs: string[], what: string)
  : { file: string; exportName: string; python?: undefined } {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1) throw new UsageError(`${what}: handler ${JSON.stringify(handler)} is not 'file.export'`);
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const exts = ['.js', '.cjs', '.mjs', ''];
  let candidates: string[];
  if (modulePath.startsWith('/opt/')) {
    const rel = modulePath.slice('/opt/'.length);
    candidates = [...layerDirs].reverse().flatMap((d) => exts.map((e) => join(d, rel + e)));
  } else if (isAbsolute(modulePath)) {
    candidates = exts.map((e) => modulePath + e);
  } else {
    candidates = exts.map((e) => join(codeDir, modulePath + e));
  }
  const file = candidates.find((f) => existsSync(f) && statSync(f).isFile());
  if (file === undefined) {
    const where = handler === RUNTIME_HANDLER ? ' (the cdk-unum runtime layer: is it attached?)' : '';
    throw new UsageError(`${what}: handler module ${modulePath}(.js|.cjs|.mjs) not found${where}`);
  }
  return { file, exportName };
}

/**
 * Lambda's Python handler `package.module.function` (or `dir/module.function`):
 * the module is found on the sys.path Lambda gives the function, the task
 * root first, then every layer's python/lib/pythonX.Y/site-packages and
 * python/ (the layers merged into /opt, later ones on top).
 */
function resolvePythonHandler(handler: string, runtime: string, codeDir: string, layerDirs: string[], what: string)
  : { file: string; exportName: string; python: PythonHandler } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) throw new UsageError(`${what}: handler ${JSON.stringify(handler)} is not 'module.function'`);
  const module = handler.slice(0, dot).replace(/\//g, '.');
  const exportName = handler.slice(dot + 1);
  const version = runtime.replace(/^python/, '');
  const path = [codeDir, ...[...layerDirs].reverse().flatMap((d) => [join(d, 'python', 'lib', `python${version}`, 'site-packages'), join(d, 'python')])]
    .filter((d) => existsSync(d));
  const rel = module.split('.').join('/');
  const file = path.flatMap((d) => [join(d, `${rel}.py`), join(d, rel, '__init__.py')]).find((f) => existsSync(f) && statSync(f).isFile());
  if (file === undefined) {
    const where = handler === PYTHON_RUNTIME_HANDLER ? ' (the cdk-unum runtime layer, whose python/ directory has it: is it attached?)' : '';
    throw new UsageError(`${what}: handler module ${module} (${rel}.py or ${rel}/__init__.py) not found in the code or the layers' python directories${where}`);
  }
  return { file, exportName, python: { module, path } };
}

/** An absolute /opt path that exists in a layer → that file (layers are merged into /opt, later ones on top). */
function mapOptPath(value: string, layerDirs: string[]): string {
  if (!value.startsWith('/opt/')) return value;
  const rel = value.slice('/opt/'.length);
  const hit = [...layerDirs].reverse().map((d) => join(d, rel)).find((f) => existsSync(f));
  return hit ?? value;
}

function resolveValue(value: any, stack: StackTemplate, res: Resolution): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object') return undefined;
  const resources = stack.template.Resources ?? {};
  if (typeof value.Ref === 'string') {
    const target = resources[value.Ref];
    if (value.Ref === 'AWS::Region') return LOCAL_REGION;
    if (value.Ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
    if (value.Ref === 'AWS::Partition') return 'aws';
    if (value.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
    if (value.Ref === 'AWS::StackName') return stack.name;
    switch (target?.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return res.tables.find((t) => t.stack === stack.name && t.logicalId === value.Ref)?.name;
      case 'AWS::S3::Bucket':
        return res.buckets.find((b) => b.stack === stack.name && b.logicalId === value.Ref)?.name;
      case 'AWS::Lambda::Function':
        return localFunctionNameOf(stack.name, value.Ref, target.Properties);
      // A user's on-failure queue or topic, which a failure recorder forwards to (the engine's destinations endpoint).
      case 'AWS::SQS::Queue':
        return `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${localResourceName(stack.name, value.Ref, target.Properties?.QueueName)}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${localResourceName(stack.name, value.Ref, target.Properties?.TopicName)}`;
      default:
        return undefined;
    }
  }
  if (Array.isArray(value['Fn::GetAtt']) && value['Fn::GetAtt'][1] === 'Arn') {
    const target = resources[value['Fn::GetAtt'][0]];
    if (target?.Type === 'AWS::Lambda::Function') {
      return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${localFunctionNameOf(stack.name, value['Fn::GetAtt'][0], target.Properties)}`;
    }
    // The role a long Wait's schedule invokes with: the engine's scheduler takes any role ARN, as a name it shows.
    if (target?.Type === 'AWS::IAM::Role') {
      return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${localResourceName(stack.name, value['Fn::GetAtt'][0], target.Properties?.RoleName)}`;
    }
    if (target?.Type === 'AWS::DynamoDB::Table') {
      const t = res.tables.find((x) => x.stack === stack.name && x.logicalId === value['Fn::GetAtt'][0]);
      return t && `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${t.name}`;
    }
    if (target?.Type === 'AWS::S3::Bucket') {
      const b = res.buckets.find((x) => x.stack === stack.name && x.logicalId === value['Fn::GetAtt'][0]);
      return b && `arn:aws:s3:::${b.name}`;
    }
    if (target?.Type === 'AWS::Events::EventBus') {
      return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${localResourceName(stack.name, value['Fn::GetAtt'][0], target.Properties?.Name)}`;
    }
    return undefined;
  }
  if (Array.isArray(value['Fn::Join']) && Array.isArray(value['Fn::Join'][1])) {
    const parts = value['Fn::Join'][1].map((v: any) => resolveValue(v, stack, res));
    return parts.every((p: unknown) => p !== undefined) ? parts.join(String(value['Fn::Join'][0])) : undefined;
  }
  return undefined;
}

/** FunctionName, or for a function without one (outside workflows) a local name from the stack and logical id. */
function localFunctionNameOf(stack: string, id: string, p: any): string {
  return typeof p?.FunctionName === 'string' ? p.FunctionName : `${stack}-${id}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
}

/** A resource's physical name, or (CloudFormation would generate one) a local name from the stack and logical id. */
function localResourceName(stack: string, id: string, name: unknown): string {
  return typeof name === 'string' ? name : `${stack}-${id}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
}

/** The function an ARN reference names, when it is one of the app's. */
function localFunctionName(value: any, stack: StackTemplate, res: Resolution): string | undefined {
  if (value === undefined) return undefined;
  const arn = resolveValue(value, stack, res);
  return arn?.startsWith('arn:aws:lambda:') ? arn.split(':')[6] : undefined;
}

function describeRef(value: any): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function readJsonIfExists(file: string): any {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The app command from cdk.json in `cwd`, if any. */
export function appFromCdkJson(cwd: string): string | undefined {
  const app = readJsonIfExists(join(cwd, 'cdk.json'))?.app;
  return typeof app === 'string' ? app : undefined;
}
