/**
 * The report categories, from the API, remembered in localStorage so that a
 * report can be made offline (the last list seen is used until a new one comes).
 */
import { useEffect, useState } from 'react';
import { citizenApi, type ReportCategory } from '../api';

const KEY = 'cityops.citizen.categories';

function remembered(): ReportCategory[] | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as ReportCategory[]) : null;
  } catch {
    return null;
  }
}

let pending: Promise<ReportCategory[]> | null = null;

function load(): Promise<ReportCategory[]> {
  pending ??= citizenApi.categories().then(
    ({ items }) => {
      const list = items.filter((c) => c.active).sort((a, b) => a.sortOrder - b.sortOrder);
      try {
        localStorage.setItem(KEY, JSON.stringify(list));
      } catch {
        // Storage full or disabled: the list is not kept for offline use.
      }
      return list;
    },
    (err: unknown) => {
      pending = null;
      throw err;
    },
  );
  return pending;
}

export function useCategories(): {
  categories: ReportCategory[] | null;
  error: unknown;
  reload: () => void;
} {
  const [categories, setCategories] = useState<ReportCategory[] | null>(remembered);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (list) => live && setCategories(list),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  return {
    categories,
    error: categories ? null : error,
    reload: () => {
      setError(null);
      setAttempt((n) => n + 1);
    },
  };
}
