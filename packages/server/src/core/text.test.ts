import { describe, expect, it } from 'vitest';
import { containsPattern, foldText, todayIn } from './text.js';

describe('text helpers', () => {
  it('folds Vietnamese for search', () => {
    expect(foldText('Phường  Phan Đình Phùng')).toBe('phuong phan dinh phung');
    expect(foldText('ĐẠI TỪ')).toBe('dai tu');
  });
  it('escapes LIKE wildcards', () => {
    expect(containsPattern('50%_a')).toBe('%50\\%\\_a%');
  });
  it('reckons today in the province, not in UTC', () => {
    // 18:30 UTC on 30 June is already 1 July in Hà Nội (UTC+7).
    expect(todayIn('Asia/Ho_Chi_Minh', new Date('2025-06-30T18:30:00Z'))).toBe('2025-07-01');
    expect(todayIn('UTC', new Date('2025-06-30T18:30:00Z'))).toBe('2025-06-30');
  });
});
