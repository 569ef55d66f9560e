/** The pieces of the reports module that routes and the Open311 module use. */
import type { CategoriesService } from './categories.service.js';
import type { ReportQueries } from './queries.js';
import type { ReportActions } from './actions.js';
import type { ReportSubmissions } from './submission.js';
import type { CitizensService } from './citizens.service.js';
import type { ReportJobs } from './jobs.js';
import type { ReportNotifier } from './notify.js';
import type { ReportStatsService } from './stats.service.js';
import type { FilesService } from '../files/files.service.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import type { AgencyDirectory } from './agencies.js';
import type { ReportFollows } from './follow.js';
import type { ReportChanges } from './changes.js';

export interface ReportsModuleParts {
  categories: CategoriesService;
  queries: ReportQueries;
  actions: ReportActions;
  submissions: ReportSubmissions;
  citizens: CitizensService;
  jobs: ReportJobs;
  notifier: ReportNotifier;
  stats: ReportStatsService;
  files: FilesService;
  calendar: CalendarService;
  agencies: AgencyDirectory;
  follows: ReportFollows;
  /** Signalled after every committed change of a report. */
  changes: ReportChanges;
}
