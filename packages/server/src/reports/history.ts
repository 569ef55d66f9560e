/** Who a step of a report's history is by, and writing one step. */
import type { ReportStatus } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import type { Principal } from '../core/auth/principal.js';
import { newId } from '../core/ids.js';
import { insertHistory, type HistoryRow } from './reports.repo.js';

export interface HistoryActor {
  type: HistoryRow['actor_type'];
  id: string | null;
  /** Staff: the person (staff views only); integration: the client's name. */
  name: string | null;
  /** The agency that acted (public), for agency staff. */
  agency: string | null;
}

/** Steps that concern staff only: never in a public or citizen history. */
export const INTERNAL_STEPS: readonly string[] = ['note', 'reporter_shared', 'reporter_unshared'];

export const systemHistoryActor: HistoryActor = {
  type: 'system',
  id: null,
  name: null,
  agency: null,
};

/** The history actor of a caller, acting on a report whose primary agency is given. */
export function historyActorOf(p: Principal, primaryAgency: string | null = null): HistoryActor {
  switch (p.kind) {
    case 'user': {
      const agency =
        p.role === 'agency_officer' && !p.scope.all
          ? primaryAgency && p.scope.agencies.includes(primaryAgency)
            ? primaryAgency
            : (p.scope.agencies[0] ?? null)
          : null;
      return { type: 'staff', id: p.id, name: p.name, agency };
    }
    case 'apikey':
      return { type: 'integration', id: p.id, name: p.name, agency: null };
    case 'citizen':
      return { type: 'citizen', id: p.id, name: null, agency: null };
    case 'device':
      return { type: 'integration', id: p.id, name: null, agency: null };
  }
}

export interface Step {
  action: string;
  from: ReportStatus | null;
  to: ReportStatus | null;
  note?: string | null | undefined;
  internalNote?: string | null | undefined;
  data?: Record<string, unknown>;
}

export async function recordStep(
  tx: Queryable,
  reportId: number,
  actor: HistoryActor,
  step: Step,
  at: Date,
): Promise<void> {
  await insertHistory(tx, {
    id: newId(),
    report_id: reportId,
    at,
    action: step.action,
    from_status: step.from,
    to_status: step.to,
    actor_type: actor.type,
    actor_id: actor.id,
    actor_name: actor.name,
    actor_agency: actor.agency,
    note: step.note ?? null,
    internal_note: step.internalNote ?? null,
    data: step.data ?? {},
  });
}
