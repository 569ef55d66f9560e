/**
 * The reports module: citizen field reports (phản ánh hiện trường) with their
 * categories and routing, the workflow and its deadlines in working days,
 * the citizen app's back end with phone sign-in, notifications, background
 * jobs and statistics. The Open311 module and the demo use its parts.
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { AuthService } from '../people/auth.service.js';
import type { AdminUnitsService } from '../geo/admin-units.service.js';
import type { FilesService } from '../files/files.service.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import type { RoleDirectory } from '../notifications/index.js';
import { AgencyDirectory, type ListAgencies } from './agencies.js';
import { CategoriesService } from './categories.service.js';
import { categoriesRoutes } from './categories.routes.js';
import { ReportPresenter } from './present.js';
import { ReportQueries } from './queries.js';
import { ReportActions } from './actions.js';
import { ReportSubmissions } from './submission.js';
import { CitizensService } from './citizens.service.js';
import { ReportNotifier } from './notify.js';
import { ReportJobs } from './jobs.js';
import { ReportStatsService } from './stats.service.js';
import { ReportFollows } from './follow.js';
import { ReportChanges } from './changes.js';
import { CitizenPush, loadVapidKeys, WebPushSender } from './push.js';
import { pushRoutes } from './push.routes.js';
import { UnitNames } from './units.js';
import { ExportLinks } from './export-links.js';
import { loadSecretKey } from '../core/auth/secret-box.js';
import { reportsRoutes } from './reports.routes.js';
import { citizenRoutes } from './citizen.routes.js';
import { statsRoutes } from './stats.routes.js';
import { listExportRoutes } from './list-export.routes.js';
import { HttpSmsSender, type SmsSender } from './sms.js';
import type { ReportsModuleParts } from './parts.js';

export type { ReportsModuleParts } from './parts.js';
export type { SmsSender } from './sms.js';
export { UnknownCategoryError, OutsideJurisdictionError, type Submission } from './submission.js';
export { historyActorOf } from './history.js';

export interface ReportsOptions {
  /** The SMS sender; by default CITYOPS_SMS_URL's gateway, or none (development). */
  sms?: SmsSender | null;
  /** How often the background jobs run (default a minute). */
  jobsIntervalMs?: number;
  /** How often notifications are delivered (default 5 s). */
  notifyIntervalMs?: number;
  /** Web push: `allowLoopback` takes http endpoints on the loopback (tests' push service). */
  push?: { allowLoopback?: boolean; timeoutMs?: number };
}

export interface ReportsDeps {
  auth: AuthService;
  geo: AdminUnitsService;
  files: FilesService;
  calendar: CalendarService;
  listAgencies: ListAgencies;
  directory: RoleDirectory | null;
}

export function reportsModule(ctx: CoreContext, deps: ReportsDeps, opts: ReportsOptions = {}) {
  const { db, audit, clock, config, log } = ctx;
  const settings = config.reports;
  const sms =
    opts.sms !== undefined ? opts.sms : settings.smsUrl ? new HttpSmsSender(settings.smsUrl) : null;
  const agencies = new AgencyDirectory(deps.listAgencies);
  const categories = new CategoriesService(db, audit, clock, agencies, settings.deadlineDays);
  const presenter = new ReportPresenter(agencies, categories, new UnitNames(deps.geo));
  let sender: Promise<WebPushSender> | undefined;
  /** The push sender, its VAPID keys read (or made) on first use. */
  const pushSender = () => {
    sender ??= loadVapidKeys({
      publicKey: settings.push.vapidPublicKey,
      privateKey: settings.push.vapidPrivateKey,
      dataDir: config.dataDir,
    }).then(
      (keys) => new WebPushSender(keys, settings.push.vapidSubject, opts.push?.timeoutMs),
      (err: unknown) => {
        sender = undefined;
        throw err;
      },
    );
    return sender;
  };
  const notifier = new ReportNotifier({
    db,
    clock,
    log,
    sms,
    directory: deps.directory,
    smtp: config.smtpUrl ? { url: config.smtpUrl, from: config.smtpFrom } : null,
    push: pushSender,
  });
  const changes = new ReportChanges();
  const common = {
    db,
    audit,
    clock,
    calendar: deps.calendar,
    categories,
    files: deps.files,
    changes,
  };
  const submissions = new ReportSubmissions({ ...common, deadlineDays: settings.deadlineDays });
  const actions = new ReportActions({
    ...common,
    agencies,
    notifier,
    deadlineDays: settings.deadlineDays,
  });
  const queries = new ReportQueries({ db, audit, clock, presenter, files: deps.files, changes });
  const citizens = new CitizensService(db, audit, clock, log, sms, settings.citizenTokenDays);
  deps.auth.registerSecretHandler('citizen', (_secret, hash) => citizens.authenticate(hash));
  const jobs = new ReportJobs({
    db,
    clock,
    log,
    audit,
    actions,
    notifier,
    files: deps.files,
    autoCloseDays: settings.autoCloseDays,
    retentionDays: settings.retentionDays,
    changes,
  });
  const exportLinks = new ExportLinks(() => loadSecretKey(config));
  const stats = new ReportStatsService(db, clock, config.timezone, agencies, deps.geo);
  const parts: ReportsModuleParts = {
    categories,
    queries,
    actions,
    submissions,
    citizens,
    jobs,
    notifier,
    stats,
    files: deps.files,
    calendar: deps.calendar,
    agencies,
    follows: new ReportFollows({ db, audit, clock }),
    changes,
  };
  const module: CityOpsModule = {
    name: 'reports',
    routes: (app) => {
      categoriesRoutes(categories)(app);
      statsRoutes(stats, exportLinks, clock)(app);
      listExportRoutes(queries, exportLinks, clock, config.timezone)(app);
      reportsRoutes(parts)(app);
      citizenRoutes(parts, deps.geo)(app);
      pushRoutes(
        new CitizenPush({ db, audit, clock, allowLoopback: opts.push?.allowLoopback === true }),
        pushSender,
      )(app);
    },
    start: () => {
      jobs.start(opts.jobsIntervalMs);
      notifier.start(opts.notifyIntervalMs);
      return Promise.resolve();
    },
    stop: async () => {
      await jobs.stop();
      await notifier.stop();
    },
  };
  return { module, ...parts };
}
