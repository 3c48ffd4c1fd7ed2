import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { LocalApp } from '../../toolkit/src/local/assembly';
import type { FaultOptions } from '../../toolkit/src/local/chaos';
import type { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import type { TraceEvent } from '../../toolkit/src/local/session-trace';
import { ROOT, startEngine, synthApp } from '../engine/support';

/** Sessions of the engine's test app, run for the report and console tests, with their traces. */

export const APP = join(ROOT, 'test', 'engine', 'apps', 'app.ts');

export interface Traced {
  readonly report: SessionReport;
  readonly events: readonly TraceEvent[];
}

export class ReportWorld {
  static async start(file = APP, options: { skipTime?: boolean } = {}): Promise<ReportWorld> {
    const app = await synthApp(file);
    const dataDir = mkdtempSync(join(tmpdir(), 'unum-report-test-'));
    // The store is jest's shared servers; the data directory holds the engine's index and the traces.
    const engine = await startEngine(app, { dataDir, ...options });
    return new ReportWorld(app, engine, dataDir);
  }

  private constructor(readonly app: LocalApp, readonly engine: LocalEngine, readonly dataDir: string) {}

  async run(workflow: string, input: unknown, session: string, faults?: FaultOptions): Promise<Traced> {
    let events: readonly TraceEvent[] = [];
    const report = await this.engine.run({ workflow, input, session, faults, onTrace: (e) => { events = e; } });
    return { report, events };
  }

  async stop(): Promise<void> {
    await this.engine.stop();
  }
}
