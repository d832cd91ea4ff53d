/**
 * Metrics for knsim's traffic: latency histograms, outcome counts per window of virtual time,
 * per-backend counters and fairness measures with honest statistical bounds.
 *
 * @module
 */
export { BackendCounters, type BackendCounterKind, type BackendStats } from './BackendCounters.js';
export {
  binomialCdf,
  binomialPmf,
  binomialSurvival,
  chiSquareSurvival,
  logGamma,
  regularizedGammaP,
  regularizedGammaQ,
} from './distributions.js';
export {
  binomialCheck,
  binomialQuantileBounds,
  chiSquareCheck,
  chiSquareCriticalValue,
  chiSquareStatistic,
  coefficientOfVariation,
  fairnessReport,
  jainIndex,
  maxOverMean,
  roundRobinBound,
  smoothWrrCheck,
  type BinomialBounds,
  type FairnessCheck,
  type FairnessReport,
} from './fairness.js';
export {
  LatencyHistogram,
  type LatencyHistogramJSON,
  type LatencyHistogramOptions,
  type LatencySummary,
  type SignificantDigits,
} from './LatencyHistogram.js';
export { OutcomeCounter, STANDARD_OUTCOMES, type Outcome, type StandardOutcome } from './OutcomeCounter.js';
export {
  WindowedMetrics,
  type WindowedMetricsJSON,
  type WindowedMetricsOptions,
  type WindowPoint,
} from './WindowedMetrics.js';
