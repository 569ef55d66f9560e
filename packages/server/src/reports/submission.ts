/**
 * Taking in a report, the same way from every channel (citizen app, Open311,
 * staff): the category must be active, its attributes valid, the location
 * inside the province today (admin_unit_at), the photos the sender's own
 * uploads. The report starts `received`, routed to an agency (a suggestion
 * until the IOC assigns it) with its deadline in working days. Errors name a
 * neutral field (`category`, `location`, `attributes.<code>`, `photoIds.<n>`)
 * that each API renames to its own parameter.
 */
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { ValidationError } from '../core/errors.js';
import { foldText } from '../core/text.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import type { FilesService, Uploader } from '../files/files.service.js';
import type { CategoriesService, DeadlineDays } from './categories.service.js';
import { checkAttributes, type AttributeValues } from './attributes.js';
import type { HistoryActor } from './history.js';
import { newId } from '../core/ids.js';
import * as repo from './reports.repo.js';
import type { ReportChanges } from './changes.js';

export interface Submission {
  channel: repo.ReportRow['channel'];
  categoryCode: string;
  description: string;
  location: { lat: number; lon: number } | null;
  address: string | null;
  addressId: string | null;
  attributes: AttributeValues;
  photoIds: string[];
  reporter: {
    name: string | null;
    phone: string | null;
    email: string | null;
    deviceId: string | null;
    accountId: string | null;
  };
  citizenId: string | null;
  mediaUrl: string | null;
}

export interface Submitted {
  id: number;
  /** For categories of Open311 type `batch`. */
  token: string | null;
  unit: string | null;
  agency: string | null;
}

export class UnknownCategoryError extends ValidationError {
  constructor(code: string) {
    super([{ path: 'category', message: `no active report category has the code ${code}` }]);
  }
}

export class OutsideJurisdictionError extends ValidationError {
  constructor(lat: number, lon: number) {
    super([
      {
        path: 'location',
        message: `the point (lat ${lat}, lon ${lon}) is outside Thái Nguyên province; reports are taken for places inside it only`,
      },
    ]);
  }
}

export interface SubmissionDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  calendar: CalendarService;
  categories: CategoriesService;
  files: FilesService;
  deadlineDays: DeadlineDays;
  /** Told once a submission has committed. */
  changes?: ReportChanges;
}

/** Control characters other than line breaks and tabs have no place in text. */
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');

export class ReportSubmissions {
  constructor(private readonly d: SubmissionDeps) {}

  async submit(
    s: Submission,
    by: {
      history: HistoryActor;
      audit: Actor;
      uploader: Uploader;
      /**
       * Checks the admin unit the location lies in (null: no location) before
       * anything is written; throws to refuse (a staff member outside their area).
       */
      unit?: (unit: string | null, location: { lat: number; lon: number } | null) => Promise<void>;
      /** Makes the sender's citizen account in the transaction (an anonymous citizen). */
      citizen?: (tx: Queryable) => Promise<string>;
      /** Runs last in the submission's transaction (e.g. to remember an Idempotency-Key). */
      then?: (tx: Queryable, made: { id: number; citizenId: string | null }) => Promise<void>;
    },
  ): Promise<Submitted> {
    const category = await this.d.categories.find(s.categoryCode);
    if (!category || !category.active) throw new UnknownCategoryError(s.categoryCode);
    const { values, errors } = checkAttributes(category.attributes, s.attributes);
    if (errors.length) throw new ValidationError(errors);
    if (!s.location && !s.address && !s.addressId) {
      throw ValidationError.field(
        'location',
        'give a location (lat and lon), an address or an address id',
      );
    }
    const now = this.d.clock.now();
    const today = this.d.calendar.dateOf(now);
    const description = clean(s.description);
    // Reads first, outside the transaction (which, on the embedded database, holds its one connection).
    const unit = s.location
      ? await repo.unitAt(this.d.db, s.location.lon, s.location.lat, today)
      : null;
    if (s.location && !unit) throw new OutsideJurisdictionError(s.location.lat, s.location.lon);
    await by.unit?.(unit, s.location);
    const agency = await this.d.categories.route(category, unit);
    const { dueDate, deadline } = await this.d.calendar.deadlineAfter(
      now,
      this.d.deadlineDays[category.deadlineClass],
    );
    // Grouped with the other submissions waiting at that moment: one audit-chain lock and
    // one commit for the group (see AuditService.transaction).
    const submitted = await this.d.audit.transaction(async (tx) => {
      await this.d.files.attach(tx, s.photoIds, by.uploader, 'photoIds');
      const citizenId = by.citizen ? await by.citizen(tx) : s.citizenId;
      const token = category.open311Type === 'batch' ? randomBytes(12).toString('base64url') : null;
      const id = await repo.insertReport(
        tx,
        {
          status: 'received',
          categoryCode: category.code,
          description,
          lat: s.location?.lat ?? null,
          lon: s.location?.lon ?? null,
          address: s.address ? clean(s.address) : null,
          addressId: s.addressId,
          adminUnit: unit,
          channel: s.channel,
          attributes: values,
          routedAgency: agency,
          deadlineClass: category.deadlineClass,
          dueDate,
          deadlineAt: deadline,
          reporter: s.reporter,
          citizenId,
          open311Token: token,
          mediaUrl: s.mediaUrl,
          searchText: foldText(`${description} ${s.address ?? ''}`).slice(0, 5000),
          createdAt: now,
        },
        {
          id: newId(),
          at: now,
          action: 'submitted',
          from_status: null,
          to_status: 'received',
          actor_type: by.history.type,
          actor_id: by.history.id,
          actor_name: by.history.name,
          actor_agency: by.history.agency,
          note: null,
          internal_note: null,
          data: { channel: s.channel },
        },
      );
      await repo.addPhotos(tx, id, s.photoIds, 'report');
      // The audit entry names what was taken, never who sent it (that is personal data).
      await this.d.audit.record(tx, by.audit, {
        action: 'report.create',
        entityType: 'report',
        entityId: String(id),
        after: {
          category: category.code,
          channel: s.channel,
          adminUnit: unit,
          routedAgency: agency,
          dueDate,
          photos: s.photoIds.length,
        },
      });
      await by.then?.(tx, { id, citizenId });
      return { id, token, unit, agency };
    });
    this.d.changes?.changed();
    return submitted;
  }
}
