/**
 * Pictograms of the report screens as inline SVG (line drawings on a 24-unit
 * grid, in the text's colour): they look the same on every device, unlike
 * emoji, which some desktops cannot draw.
 */
import type { ReactNode } from 'react';

const shapes = {
  road: (
    <>
      <path d="M7 3 4 21M17 3l3 18M12 4v3M12 10v3" />
      <ellipse cx="12" cy="17.5" rx="3.2" ry="1.6" />
    </>
  ),
  light: (
    <>
      <path d="M8 21h8M12 21V9M12 9a4 4 0 1 0-4-4" />
      <path d="M8 5c0 2 1.5 3 4 4" />
      <path d="M4 9l-1.5 1M5 12H3" />
    </>
  ),
  waste: (
    <>
      <path d="M4 6h16M9 6V4h6v2M6 6l1 15h10l1-15" />
      <path d="M10 10v7M14 10v7" />
    </>
  ),
  order: (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M6 6l12 12" />
    </>
  ),
  tree: (
    <>
      <path d="M12 21v-6M9 21h6" />
      <path d="M12 3c-3.5 0-6 2.6-6 5.6 0 3.2 2.6 5.9 6 5.9s6-2.7 6-5.9C18 5.6 15.5 3 12 3Z" />
    </>
  ),
  water: <path d="M12 3s6 6.6 6 11a6 6 0 0 1-12 0c0-4.4 6-11 6-11Z" />,
  signal: (
    <>
      <rect x="8" y="2.5" width="8" height="16" rx="2" />
      <circle cx="12" cy="6.5" r="1.4" />
      <circle cx="12" cy="10.5" r="1.4" />
      <circle cx="12" cy="14.5" r="1.4" />
      <path d="M12 18.5V22" />
    </>
  ),
  shield: <path d="M12 3 5 6v5.5c0 4.3 3 7.8 7 9.5 4-1.7 7-5.2 7-9.5V6l-7-3Z" />,
  noise: (
    <>
      <path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4Z" />
      <path d="M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11" />
    </>
  ),
  leaf: (
    <>
      <path d="M5 19c0-9 5-14 15-14 0 10-5 15-14 15" />
      <path d="M5 19 13 11" />
    </>
  ),
  note: (
    <>
      <path d="M6 3h9l4 4v14H6Z" />
      <path d="M9 11h7M9 15h7M9 7h4" />
    </>
  ),
  camera: (
    <>
      <path d="M3 8h4l2-3h6l2 3h4v11H3Z" />
      <circle cx="12" cy="13" r="3.5" />
    </>
  ),
  image: (
    <>
      <rect x="3" y="4" width="18" height="16" rx="2" />
      <path d="m3 17 5-5 4 4 3-3 6 6" />
      <circle cx="15.5" cy="8.5" r="1.5" />
    </>
  ),
  pin: (
    <>
      <path d="M12 21s-6.5-6.2-6.5-11a6.5 6.5 0 0 1 13 0c0 4.8-6.5 11-6.5 11Z" />
      <circle cx="12" cy="10" r="2.4" />
    </>
  ),
  bell: (
    <>
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15Z" />
      <path d="M10 20.5a2 2 0 0 0 4 0" />
    </>
  ),
  up: (
    <>
      <path d="M7 11v9H4v-9Z" />
      <path d="M7 11l4-7c1.5 0 2.5 1 2.2 2.6L12.6 10H19a1.6 1.6 0 0 1 1.6 1.9l-1.4 6.6A2 2 0 0 1 17.2 20H7" />
    </>
  ),
  down: (
    <>
      <path d="M7 13V4H4v9Z" />
      <path d="M7 13l4 7c1.5 0 2.5-1 2.2-2.6L12.6 14H19a1.6 1.6 0 0 0 1.6-1.9l-1.4-6.6A2 2 0 0 0 17.2 4H7" />
    </>
  ),
  home: (
    <>
      <path d="M3.5 11 12 4l8.5 7" />
      <path d="M6 9.5V20h12V9.5M10 20v-5h4v5" />
    </>
  ),
  plus: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 8v8M8 12h8" />
    </>
  ),
  list: <path d="M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01" />,
  map: (
    <>
      <path d="M3 6l6-2 6 2 6-2v14l-6 2-6-2-6 2Z" />
      <path d="M9 4v14M15 6v14" />
    </>
  ),
} satisfies Record<string, ReactNode>;

export type IconName = keyof typeof shapes;

export function Icon(props: { name: IconName; size?: number; className?: string }) {
  const size = props.size ?? 22;
  return (
    <svg
      className={props.className ?? 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {shapes[props.name]}
    </svg>
  );
}

const byCode: Record<string, IconName> = {
  road_damage: 'road',
  street_lighting: 'light',
  waste_sanitation: 'waste',
  urban_order: 'order',
  trees_parks: 'tree',
  water_drainage: 'water',
  traffic_signals: 'signal',
  public_security: 'shield',
  noise: 'noise',
  other: 'note',
};

const byGroup: Record<string, IconName> = {
  streets: 'road',
  sanitation: 'waste',
  order: 'order',
  parks: 'tree',
  water: 'water',
  security: 'shield',
  environment: 'leaf',
};

/** The pictogram of a category: its own, else its group's, else a note. */
export function CategoryIcon(props: { code: string; group?: string; size?: number }) {
  const name = byCode[props.code] ?? (props.group ? byGroup[props.group] : undefined) ?? 'note';
  return <Icon name={name} size={props.size ?? 22} className="icon category-glyph" />;
}
