/** Names of admin units by code, for lists that only carry the code (assets). Loaded once per page load. */
import { useEffect, useState } from 'react';
import type { AdminUnit } from '@cityops/contracts';
import { api } from '../../ui/api';

type Names = ReadonlyMap<string, Pick<AdminUnit, 'nameVi' | 'nameEn'>>;

let pending: Promise<Names> | null = null;
let loaded: Names = new Map();

function loadNames(): Promise<Names> {
  pending ??= api.adminUnits.list({ limit: 1000 }).then(
    (page) => (loaded = new Map(page.items.map((u) => [u.code, u]))),
    (err: unknown) => {
      pending = null;
      throw err;
    },
  );
  return pending;
}

/** The current units' names; empty until loaded (or when they cannot be), so callers show the code. */
export function useUnitNames(): Names {
  const [names, setNames] = useState<Names>(new Map());
  useEffect(() => {
    let live = true;
    loadNames().then(
      (n) => live && setNames(n),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return names;
}

/** The names loaded so far (empty until the first useUnitNames() has them), for code outside React. */
export function unitNamesNow(): Names {
  return loaded;
}
