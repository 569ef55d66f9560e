/** The camera wall's arithmetic: which camera each tile shows, and how many pages a tour has. */

/** Pages of `layout` tiles that a tour through `count` cameras shows (at least one). */
export function tourPages(count: number, layout: number): number {
  return Math.max(1, Math.ceil(count / layout));
}

/**
 * The camera of each of the `layout` tiles: the tour's page `page` when a tour
 * runs (the last page padded with empty tiles), else the saved tiles.
 */
export function shownTiles(
  layout: number,
  saved: ReadonlyArray<string | null>,
  tour: { cameras: readonly string[]; page: number } | null,
): Array<string | null> {
  if (tour) {
    const page = tour.page % tourPages(tour.cameras.length, layout);
    return Array.from({ length: layout }, (_, k) => tour.cameras[page * layout + k] ?? null);
  }
  return Array.from({ length: layout }, (_, k) => saved[k] ?? null);
}

/** Puts a camera on tile `i` (null empties it); a camera shows once, so its old tile empties. */
export function placeCamera(
  layout: number,
  saved: ReadonlyArray<string | null>,
  i: number,
  id: string | null,
): Array<string | null> {
  const tiles = Array.from({ length: layout }, (_, k) => saved[k] ?? null);
  for (let k = 0; k < tiles.length; k++) if (id && tiles[k] === id) tiles[k] = null;
  tiles[i] = id;
  return tiles;
}
