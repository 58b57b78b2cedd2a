//! Business-rule rejection reasons of CONTRACT section 3: stable names, never renamed.

export const REJECTION_REASONS = [
  'region-not-configured',
  'funders-changed',
  'action-years-conflict',
  'unknown-funder',
  'unknown-action',
  'outside-lead-time',
  'year-closed',
  'duplicate-spending',
  'no-funding-key',
  'unknown-spending',
  'spending-reversed',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type Outcome =
  { outcome: 'accepted'; reason: null } | { outcome: 'rejected'; reason: RejectionReason };

export const ACCEPTED: Outcome = { outcome: 'accepted', reason: null };

export function rejected(reason: RejectionReason): Outcome {
  return { outcome: 'rejected', reason };
}
