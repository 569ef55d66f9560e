/** An alert's severity as a coloured badge with its name (the colour is never the only cue). */
import type { AlertSeverity } from '@cityops/contracts';
import { useT } from '../i18n';

const marks: Record<AlertSeverity, string> = { info: 'ℹ', warning: '▲', critical: '⬤' };

export function SeverityBadge(props: { severity: AlertSeverity }) {
  const { t } = useT();
  return (
    <span className={`badge severity severity-${props.severity}`} data-severity={props.severity}>
      <span aria-hidden="true">{marks[props.severity]}</span>
      {t(`severity.${props.severity}`)}
    </span>
  );
}
