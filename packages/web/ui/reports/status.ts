/** How report statuses look in both apps: their order, which are open, a colour each. */
import type { ReportStatus } from '@cityops/contracts';

/** Every status, in workflow order (the contracts' list without pulling zod into a page). */
export const reportStatusOrder: readonly ReportStatus[] = [
  'received',
  'verified',
  'assigned',
  'in_progress',
  'answered',
  'closed',
  'rejected',
  'merged',
];

/** Still waiting for the authorities (what the public map calls "open"). */
export const openStatuses: readonly ReportStatus[] = [
  'received',
  'verified',
  'assigned',
  'in_progress',
];

export const reportStatusColours: Record<ReportStatus, string> = {
  received: '#d9480f',
  verified: '#c2255c',
  assigned: '#7048e8',
  in_progress: '#1971c2',
  answered: '#2b8a3e',
  closed: '#5c6b7a',
  rejected: '#868e96',
  merged: '#868e96',
};
