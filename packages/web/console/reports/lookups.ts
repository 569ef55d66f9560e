/**
 * Names the report screens show for codes: categories, agencies and communes,
 * each loaded once per page load (they change rarely).
 */
import { useEffect, useState } from 'react';
import type { AdminUnit, ReportCategory } from '@cityops/contracts';
import { reportsApi, type AgencyRef } from './api';

export interface Lookups {
  categories: ReportCategory[];
  agencies: AgencyRef[];
  communes: AdminUnit[];
}

let pending: Promise<Lookups> | null = null;

function load(): Promise<Lookups> {
  // Each list on its own: a role that may not read one still gets the others.
  pending ??= Promise.all([
    reportsApi.categories().then(
      (r) => r.items.sort((a, b) => a.sortOrder - b.sortOrder),
      () => [],
    ),
    reportsApi.agencies().then(
      (r) => r.items,
      () => [],
    ),
    reportsApi.communes().then(
      (r) => r.items,
      () => [],
    ),
  ]).then(([categories, agencies, communes]) => ({ categories, agencies, communes }));
  return pending;
}

const empty: Lookups = { categories: [], agencies: [], communes: [] };

export function useLookups(): Lookups {
  const [value, setValue] = useState<Lookups>(empty);
  useEffect(() => {
    let live = true;
    void load().then((v) => live && setValue(v));
    return () => {
      live = false;
    };
  }, []);
  return value;
}
