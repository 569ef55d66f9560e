/** A few interface glyphs as inline SVG (emoji fonts are missing on many control-room machines). */
const paths = {
  bell: 'M12 2a6 6 0 0 0-6 6v3.6L4 15v2h16v-2l-2-3.4V8a6 6 0 0 0-6-6zm-2 17a2 2 0 0 0 4 0z',
  bellOff:
    'M12 2a6 6 0 0 0-5.4 3.4L18 16.8V8a6 6 0 0 0-6-6zM3.3 2.3 2 3.6l4 4V11.6L4 15v2h12.4l4 4 1.3-1.3zM10 19a2 2 0 0 0 4 0z',
  power: 'M11 2h2v10h-2zM7.1 5.3l1.4 1.4A7 7 0 1 0 15.5 6.7l1.4-1.4A9 9 0 1 1 7.1 5.3z',
} as const;

export function Glyph(props: { name: keyof typeof paths; size?: number }) {
  const size = props.size ?? 18;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={paths[props.name]} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
