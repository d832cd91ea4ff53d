/**
 * @knsim/scenario: the scenario format (one YAML document: cluster, manifests, traffic, timeline,
 * expectations), its JSON Schema, the runner and its reports.
 *
 * @packageDocumentation
 */
export {};
