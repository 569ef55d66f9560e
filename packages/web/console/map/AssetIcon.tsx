/** An asset type's icon in the page (decorative: the type's name is always written beside it). */
import type { AssetType } from '@cityops/contracts';
import { assetIcons } from './icons';

export function AssetIcon(props: { type: AssetType; size?: number }) {
  const size = props.size ?? 18;
  return (
    <svg
      className="asset-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      <path d={assetIcons[props.type]} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
