import { createHash } from 'crypto';
import { WorkflowPicture, workflowPicture } from 'cdk-unum/lib/picture';
import { reportHtml } from './html';
import { ReportData, buildReportData } from './model';
import { toSvg } from '../graph/svg';
import type { TraceEvent } from '../local/session-trace';

export { buildReportData } from './model';
export type { ReportData } from './model';

/** A session's data and its workflow's picture, laid out once per graph (ELK takes a while for a big workflow). */
export class SessionViews {
  private readonly svgs = new Map<string, Promise<string>>();

  async view(events: readonly TraceEvent[]): Promise<{ data: ReportData; svg?: string }> {
    const start = events.find((e) => e.t === 'session');
    const graph = start?.t === 'session' ? start.graph : undefined;
    let picture: WorkflowPicture | undefined;
    let svg: string | undefined;
    if (graph !== undefined) {
      picture = workflowPicture(graph);
      const key = createHash('sha256').update(JSON.stringify(graph)).digest('hex');
      let laid = this.svgs.get(key);
      if (laid === undefined) {
        const p = picture;
        laid = toSvg(p);
        this.svgs.set(key, laid);
      }
      svg = await laid;
    }
    return { data: buildReportData(events, picture), ...(svg !== undefined ? { svg } : {}) };
  }
}

/** The self-contained HTML report of a session, from its trace. */
export async function sessionReportHtml(events: readonly TraceEvent[]): Promise<string> {
  const { data, svg } = await new SessionViews().view(events);
  return reportHtml(data, svg);
}
