/**
 * A scenario as its YAML file holds it (plain JSON data): what the arbitraries generate, what a
 * shrunk failure is written as, and what {@link runDocument} parses and runs. The format is
 * `docs/scenarios.md`; `@knsim/scenario` validates it.
 */
export interface ScenarioDocument {
  readonly apiVersion: 'knsim.dev/v1alpha1';
  readonly kind: 'Scenario';
  readonly metadata?: { readonly name?: string; readonly description?: string };
  readonly seed?: number | string;
  readonly duration: string;
  readonly cluster?: Readonly<Record<string, unknown>>;
  readonly manifests?: readonly Readonly<Record<string, unknown>>[];
  readonly traffic?: Readonly<Record<string, unknown>>;
  readonly timeline?: readonly Readonly<Record<string, unknown>>[];
  readonly expect?: readonly Readonly<Record<string, unknown>>[];
}
