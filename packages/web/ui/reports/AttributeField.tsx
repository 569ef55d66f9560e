/**
 * One detail a report category asks for (an Open311 attribute), for both
 * report forms: a list to choose one from, checkboxes, a text area, or a
 * one-line input (text, a number, or a date and time), labelled in the
 * current language with the datatype's hint. A detail the user does not
 * answer (`variable: false`) is a note, never marked required (the server
 * ignores `required` there). Each app gives its words and its look; the
 * control is named `attr-<code>` (by id or by test id).
 */
import type { ReactNode } from 'react';
import type { CategoryAttribute } from '@cityops/contracts';
import { useI18n } from '../i18n/i18n';
import type { AttributeValue } from './attributes';

/** How an app lays out its fields: fixed per app, so a module constant. */
export interface AttributeFieldLook {
  /**
   * `stacked`: the label and its required mark in a span, then the control,
   * then the datatype's hint under a one-line input only. `captioned`: the
   * label, the mark and the hint straight in the label before the control,
   * for every datatype.
   */
  layout: 'stacked' | 'captioned';
  /** Which attribute of the control carries `attr-<code>` (with `id`, the label points to it). */
  name: 'id' | 'data-testid';
  /**
   * Class names: each field (a label, or the fieldset of checkboxes), a note,
   * the hint, a checkbox's label, and the box around the checkboxes (none:
   * they sit straight in the fieldset).
   */
  classes: { field: string; note: string; hint: string; check: string; checkList?: string };
  /** Lines of the text area of a `text` detail. */
  textRows: number;
}

export interface AttributeFieldProps {
  def: CategoryAttribute;
  value: AttributeValue | undefined;
  onChange: (value: AttributeValue) => void;
  look: AttributeFieldLook;
  /** The empty choice of a single-value list, in the app's words. */
  choose: string;
  /** What follows the label of a required detail, in the app's words. */
  requiredMark: ReactNode;
}

export function AttributeField(props: AttributeFieldProps) {
  const { pick } = useI18n();
  const { def, value, look, onChange } = props;
  const { classes } = look;
  const label = pick(def.descriptionVi, def.descriptionEn);
  if (!def.variable) return <p className={classes.note}>{label}</p>;
  const hint = pick(def.datatypeDescriptionVi ?? '', def.datatypeDescriptionEn ?? '');
  const key = `attr-${def.code}`;
  const named = look.name === 'id' ? { id: key } : { 'data-testid': key };
  const htmlFor = look.name === 'id' ? key : undefined;
  const mark = def.required ? props.requiredMark : null;
  const captioned = look.layout === 'captioned';
  const hintSpan = hint ? <span className={classes.hint}>{hint}</span> : null;
  const caption = captioned ? (
    <>
      {label} {mark}
      {hintSpan}
    </>
  ) : (
    <>
      {label}
      {mark}
    </>
  );
  const text = typeof value === 'string' ? value : '';
  /** A control in the field's label, after its caption (and what follows the control). */
  const labelled = (control: ReactNode, after: ReactNode = null) => (
    <label className={classes.field} htmlFor={htmlFor}>
      {captioned ? caption : <span>{caption}</span>}
      {control}
      {after}
    </label>
  );

  switch (def.datatype) {
    case 'singlevaluelist':
      return labelled(
        <select
          {...named}
          value={text}
          required={def.required}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">{props.choose}</option>
          {def.values.map((v) => (
            <option key={v.key} value={v.key}>
              {pick(v.nameVi, v.nameEn)}
            </option>
          ))}
        </select>,
      );
    case 'multivaluelist': {
      const chosen = Array.isArray(value) ? value : [];
      const boxes = def.values.map((v) => (
        <label key={v.key} className={classes.check}>
          <input
            type="checkbox"
            checked={chosen.includes(v.key)}
            onChange={(e) =>
              onChange(e.target.checked ? [...chosen, v.key] : chosen.filter((k) => k !== v.key))
            }
          />
          {pick(v.nameVi, v.nameEn)}
        </label>
      ));
      return (
        <fieldset className={classes.field}>
          <legend>{caption}</legend>
          {classes.checkList ? <div className={classes.checkList}>{boxes}</div> : boxes}
        </fieldset>
      );
    }
    case 'text':
      return labelled(
        <textarea
          {...named}
          rows={look.textRows}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />,
      );
    case 'number':
    case 'datetime':
    case 'string':
      return labelled(
        <input
          {...named}
          type={def.datatype === 'datetime' ? 'datetime-local' : 'text'}
          inputMode={def.datatype === 'number' ? 'decimal' : undefined}
          required={def.required}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />,
        captioned ? null : hintSpan,
      );
  }
}
