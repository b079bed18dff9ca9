import { checksNeedingFixTasks, scoreCheck, trendOf } from '../../core/audits/scorecard';
import type { AuditCheck, CheckScore } from '../../core/audits/types';

const check = (overrides: Partial<AuditCheck> = {}): AuditCheck => ({
  id: 'validity-email',
  type: 'validity',
  description: 'Email addresses are well formed',
  fields: ['email'],
  threshold: 0.98,
  severity: 'high',
  ...overrides,
});

describe('audit scorecard', () => {
  it('passes a check whose share of passing rows reaches its threshold, exactly on it included', () => {
    expect(scoreCheck(check(), 100, 2)).toEqual({
      checkId: 'validity-email',
      type: 'validity',
      severity: 'high',
      description: 'Email addresses are well formed',
      rowsChecked: 100,
      rowsFailed: 2,
      failedPercent: 2,
      threshold: 0.98,
      passed: true,
    });
    expect(scoreCheck(check(), 100, 3).passed).toBe(false);
    expect(scoreCheck(check({ threshold: 1 }), 1_000_000, 1)).toMatchObject({ failedPercent: 0.0001, passed: false });
  });

  it('passes a check with no rows to check', () => {
    expect(scoreCheck(check(), 0, 0)).toMatchObject({ failedPercent: 0, passed: true });
  });

  it('gives the change against the previous run, and counts every failing row as new without one', () => {
    const now = scoreCheck(check(), 13, 1);
    expect(trendOf(now, undefined, undefined)).toEqual({ checkId: 'validity-email', previousFailedPercent: null, delta: null, newlyFailing: 1 });
    const before: CheckScore = scoreCheck(check(), 13, 3);
    expect(trendOf(now, before, 1)).toEqual({ checkId: 'validity-email', previousFailedPercent: 23.0769, delta: -15.3846, newlyFailing: 1 });
    expect(trendOf(now, before, undefined).newlyFailing).toBe(0);
  });

  it('asks for fix tasks for failed checks at or above the minimum severity', () => {
    const scores = [
      scoreCheck(check({ id: 'a', severity: 'critical' }), 10, 5),
      scoreCheck(check({ id: 'b', severity: 'high' }), 10, 5),
      scoreCheck(check({ id: 'c', severity: 'medium' }), 10, 5),
      scoreCheck(check({ id: 'd', severity: 'critical' }), 10, 0),
    ];
    expect(checksNeedingFixTasks(scores, 'high')).toEqual(['a', 'b']);
    expect(checksNeedingFixTasks(scores, 'low')).toEqual(['a', 'b', 'c']);
  });
});
