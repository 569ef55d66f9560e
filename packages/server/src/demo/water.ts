/**
 * The demo's water-level gauges: the level each one usually reads in the dry
 * and the wet season and its flood mark (the demo's alert rules and the
 * device simulator share these). River gauges read metres above the gauge's
 * datum; street flooding sensors read centimetres of water on the road.
 * The values are illustrative, in the range of the province's rivers, not
 * official alarm levels.
 */

export interface WaterGauge {
  /** What the gauge watches, as the demo's sensors name it (`properties.water`), or `street`. */
  water: string;
  unit: 'm' | 'cm';
  /** Usual level in the dry (December–March) and the wet (June–August) season. */
  dry: number;
  wet: number;
  /** Flood mark: the demo rule alerts above it. */
  mark: number;
  /** The alert clears once the level is back below this (hysteresis). */
  clear: number;
}

export const STREET_FLOODING = 'street';

const GAUGES: readonly WaterGauge[] = [
  { water: 'Sông Cầu', unit: 'm', dry: 20.8, wet: 22.6, mark: 26.0, clear: 25.5 },
  { water: 'Sông Công', unit: 'm', dry: 13.4, wet: 14.6, mark: 17.0, clear: 16.6 },
  { water: 'Hồ Núi Cốc', unit: 'm', dry: 45.4, wet: 46.0, mark: 47.2, clear: 47.0 },
  { water: STREET_FLOODING, unit: 'cm', dry: 0, wet: 0, mark: 30, clear: 15 },
];

/** The gauge of a water-level sensor's properties; undefined for any other sensor. */
export function gaugeOf(properties: Record<string, unknown>): WaterGauge | undefined {
  if (properties.kind !== 'water_level') return undefined;
  const water = properties.flooding === true ? STREET_FLOODING : properties.water;
  return GAUGES.find((g) => g.water === water);
}
