/**
 * Property checks over generated scenarios whose failures become replayable scenario files.
 *
 * @module
 */
export {
  checkScenarioProperty,
  ScenarioPropertyFailure,
  type ScenarioPropertyOptions,
} from './checkScenarioProperty.js';
