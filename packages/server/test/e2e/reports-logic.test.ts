/**
 * The report forms' pure logic, without a browser: the details a category
 * asks for (its Open311 attributes) as both forms send them to the API.
 */
import { describe, expect, it } from 'vitest';
import type { CategoryAttribute } from '@cityops/contracts';
import { attributeValues, isBlank } from '../../../web/ui/reports/attributes.js';

const attribute = (
  code: string,
  datatype: CategoryAttribute['datatype'],
  over: Partial<CategoryAttribute> = {},
): CategoryAttribute => ({
  code,
  datatype,
  required: false,
  variable: true,
  order: 1,
  descriptionVi: code,
  descriptionEn: code,
  datatypeDescriptionVi: null,
  datatypeDescriptionEn: null,
  values: [],
  ...over,
});

const defs = [
  attribute('hazard_level', 'singlevaluelist', {
    values: [{ key: 'high', nameVi: 'Cao', nameEn: 'High' }],
  }),
  attribute('seen_at', 'datetime'),
  attribute('depth_cm', 'number'),
  attribute('lanes', 'multivaluelist'),
  attribute('note', 'text'),
  attribute('plate', 'string'),
  attribute('safety', 'string', { variable: false }),
];

describe('the details of a report as sent', () => {
  it('keeps what was filled in as typed, and a date-time in Vietnam time', () => {
    expect(
      attributeValues(defs, {
        hazard_level: 'high',
        seen_at: '2026-11-25T08:30',
        depth_cm: '12.5',
        lanes: ['left', 'right'],
        note: '  nắp cống vỡ  ',
        plate: '20A-123.45',
      }),
    ).toEqual({
      hazard_level: 'high',
      seen_at: '2026-11-25T08:30:00+07:00',
      depth_cm: '12.5',
      lanes: ['left', 'right'],
      note: '  nắp cống vỡ  ',
      plate: '20A-123.45',
    });
  });

  it('leaves out what is empty, only spaces, no key chosen, or not asked', () => {
    expect(
      attributeValues(defs, {
        hazard_level: '',
        seen_at: '   ',
        lanes: [],
        note: '\n',
        safety: 'an answer to a note',
      }),
    ).toEqual({});
    expect(attributeValues([], { hazard_level: 'high' })).toEqual({});
  });

  it('sends only the details of the category', () => {
    expect(attributeValues(defs, { plate: 'x', other_code: 'y' })).toEqual({ plate: 'x' });
  });

  it('calls blank no value, spaces, and an empty choice, and nothing else', () => {
    expect([undefined, '', ' \t', []].map(isBlank)).toEqual([true, true, true, true]);
    expect(['0', ' x ', ['a']].map(isBlank)).toEqual([false, false, false]);
  });
});
