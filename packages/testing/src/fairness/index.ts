/**
 * Fairness checks with honest bounds: exact ones for deterministic policies, binomial or
 * chi-square ones at a stated failure probability for random policies, relative claims for
 * adaptive policies.
 *
 * @module
 */
export {
  checkFairness,
  NoFairnessBoundError,
  type CheckFairnessOptions,
  type CountKind,
  type FairnessVerdict,
} from './checkFairness.js';
export { maglevSlotBound, maglevSlotCounts } from './maglevSlots.js';
export { comparePolicies, maxLoadGap, relativeMaxLoadGap, type PolicyCounts } from './comparePolicies.js';
