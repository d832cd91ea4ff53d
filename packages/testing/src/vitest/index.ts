/**
 * vitest matchers for knsim runs and fairness.
 *
 * @module
 */
export {
  installKnsimMatchers,
  knsimMatchers,
  type FairWithinOptions,
  type KeepStableEndpointsOptions,
} from './knsimMatchers.js';
