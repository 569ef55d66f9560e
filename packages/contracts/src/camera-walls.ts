/**
 * Video-wall layouts of the camera console: each user's saved walls of 1, 4,
 * 9 or 16 tiles, each tile a camera (or empty), and an optional tour that
 * rotates the wall through a camera group, a page of tiles at a time.
 */
import { z } from 'zod';

export const wallLayouts = [1, 4, 9, 16] as const;
export type WallLayout = (typeof wallLayouts)[number];

export const wallLayoutSchema = z
  .number()
  .int()
  .refine((n): n is WallLayout => (wallLayouts as readonly number[]).includes(n), {
    message: `must be one of ${wallLayouts.join(', ')} (tiles)`,
  });

/** Seconds a tour shows each page of cameras. */
export const TOUR_MIN_SECONDS = 5;
export const TOUR_MAX_SECONDS = 3600;
/** Walls one user may keep. */
export const WALLS_PER_USER = 50;

export const wallTourSchema = z
  .object({
    /** A camera group key: `ward:<unit code>`, `purpose:<purpose>` or a custom group name. */
    group: z.string().trim().min(1).max(120),
    seconds: z.number().int().min(TOUR_MIN_SECONDS).max(TOUR_MAX_SECONDS),
  })
  .strict();
export type WallTour = z.infer<typeof wallTourSchema>;

export const cameraWallInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    layout: wallLayoutSchema,
    /** Tile i shows camera tiles[i]; null or a missing entry is an empty tile. */
    tiles: z.array(z.uuid().nullable()).max(16).default([]),
    tour: wallTourSchema.nullable().default(null),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (w.tiles.length > w.layout)
      ctx.addIssue({
        code: 'custom',
        path: ['tiles'],
        message: `has ${w.tiles.length} entries but the layout has ${w.layout} tiles`,
      });
    const seen = new Set<string>();
    w.tiles.forEach((id, i) => {
      if (id === null) return;
      if (seen.has(id))
        ctx.addIssue({ code: 'custom', path: ['tiles', i], message: 'camera already on the wall' });
      seen.add(id);
    });
  });
export type CameraWallInput = z.input<typeof cameraWallInputSchema>;

export const cameraWallSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  layout: z.number().int(),
  tiles: z.array(z.string().nullable()),
  tour: wallTourSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CameraWall = z.infer<typeof cameraWallSchema>;

export const cameraWallListSchema = z.object({ items: z.array(cameraWallSchema) });
