/**
 * The decision at the heart of the EndpointSlice controller: given a Service, the pods its
 * selector matches and the slices it already manages, which slices to create, update and delete.
 * Pure and deterministic; the caller applies the changes and logs each one as an event.
 *
 * @module
 */
import {
  DEFAULT_NAMESPACE,
  dns1123SubdomainProblems,
  MAX_ENDPOINTS_PER_SLICE,
  SERVICE_NAME_LABEL,
  serviceSelectorMatcher,
  tryParseIp,
  type Container,
  type Endpoint,
  type EndpointPort,
  type EndpointSlice,
  type ObjectMeta,
  type OwnerReference,
  type Service,
  type StringMap,
} from '@knsim/api';
import type { RandomStream } from '@knsim/core';
import {
  podEndpointPorts,
  podToEndpoint,
  shouldPodBeInEndpoints,
  type IpAddressType,
  type PodEndpointFacts,
} from './podToEndpoint.js';

/** Names the controller that manages a slice; slices without our value are someone else's. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** The value of {@link MANAGED_BY_LABEL} on slices this controller manages. */
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** Present (with value "") on the slices of a Service without a cluster IP. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** Written on every created or updated slice when the caller passes a trigger time. */
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
/** `--max-endpoints-per-slice` of a default kube-controller-manager. */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
/** The characters of a `generateName` suffix (no vowels, no look-alikes such as 0/o and 1/l). */
export const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const GENERATED_SUFFIX_LENGTH = 5;
// Object names are at most 63 characters here, so the API server cuts the prefix to leave room.
const MAX_GENERATE_NAME_PREFIX = 63 - GENERATED_SUFFIX_LENGTH;
const RESERVED_LABELS: ReadonlySet<string> = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL]);

/** What {@link reconcileEndpointSlices} decides from. */
export interface ReconcileEndpointSlicesInput {
  /** The Service, defaulted (ports carry protocol and targetPort). */
  readonly service: Service;
  /**
   * The pods of the Service's namespace that its selector matches, with what the caller knows
   * about them. Pods in a terminal phase or without an IP may be included; they are skipped here.
   */
  readonly pods: readonly PodEndpointFacts[];
  /** The slices this controller manages for the Service (label `kubernetes.io/service-name`). */
  readonly existingSlices: readonly EndpointSlice[];
  /** At most this many endpoints go into one slice: 1 to 1000, default 100. */
  readonly maxEndpointsPerSlice?: number;
  /**
   * Names a slice about to be created, given its `generateName` (`<service>-`). Called only
   * for real creates, in the order they appear in {@link EndpointSliceChanges.create}; see
   * {@link generateSliceName} for the API server's scheme. It must not return a name in use.
   */
  readonly newSliceName: (generateName: string) => string;
  /**
   * The last-change trigger time (an RFC 3339 timestamp) written as the
   * `endpoints.kubernetes.io/last-change-trigger-time` annotation on changed slices; when
   * absent the annotation is removed from them, as upstream does for a zero trigger time.
   */
  readonly triggerTime?: string;
}

/** What to do to the Service's slices. All lists are empty when nothing needs to change. */
export interface EndpointSliceChanges {
  /** New slices, named by `newSliceName`. */
  readonly create: readonly EndpointSlice[];
  /** Replacements for existing slices (same name), in name order. */
  readonly update: readonly EndpointSlice[];
  /** Names of slices to delete, in name order. */
  readonly delete: readonly string[];
  /**
   * Pods left out because their node does not exist (see `PodEndpointFacts.nodeExists`). When
   * non-empty the real controller reports an error and retries the Service with backoff.
   */
  readonly podsOnMissingNodes: readonly string[];
}

const NO_CHANGES: EndpointSliceChanges = Object.freeze({
  create: [],
  update: [],
  delete: [],
  podsOnMissingNodes: [],
});

/**
 * Reconciles the EndpointSlices of one Service, following the upstream controller
 * (`k8s.io/endpointslice` `Reconciler.Reconcile`):
 *
 * - One set of slices per address type of the Service (`spec.ipFamilies`; without them, the
 *   family of the cluster IP, else IPv4). Slices of other address types are deleted.
 * - Within a type, pods are grouped by their exact endpoint port list (a pod lacking a named
 *   target port gets a shorter list and so a slice of its own).
 * - Existing slices keep the endpoints still wanted (refreshed); a slice that lost or changed
 *   endpoints is updated, or deleted if none are left; a slice whose Service labels changed is
 *   updated. New endpoints first fill the slices being updated anyway, fullest first; then,
 *   if fewer than a slice's worth remain, the unchanged slice that ends up closest to full;
 *   otherwise new slices.
 * - With no endpoints at all, one placeholder slice with `ports: []` and `endpoints: []` is
 *   kept or created.
 * - Finally each create is paired with a pending delete of the same address type and becomes
 *   an update that reuses the deleted slice's name. No creates happen while the Service is being
 *   deleted.
 *
 * Where upstream iterates Go maps, knsim fixes the order: candidate endpoints are taken in
 * pod-name order, existing slices are visited in name order (which also breaks ties between
 * equally full slices), and the endpoints of every created or updated slice are sorted by pod
 * name. Topology hints are not
 * produced. ExternalName Services and Services without a selector get no managed slices: all
 * existing ones are deleted (upstream leaves them alone).
 *
 * Runs in O(pods log pods + endpoints in existing slices).
 *
 * @example
 * ```ts
 * const streams = new RandomStreams(7);
 * const changes = reconcileEndpointSlices({
 *   service,
 *   pods: pods.map((pod) => ({ pod })),
 *   existingSlices: [],
 *   newSliceName: (prefix) => generateSliceName(prefix, streams.stream('endpointslice-names')),
 * });
 * changes.create[0]?.metadata.name; // e.g. 'web-x7k2q', holding up to 100 endpoints
 * ```
 */
export function reconcileEndpointSlices(input: ReconcileEndpointSlicesInput): EndpointSliceChanges {
  const { service } = input;
  const max = input.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
  if (!Number.isInteger(max) || max < 1 || max > MAX_ENDPOINTS_PER_SLICE) {
    throw new RangeError(
      `maxEndpointsPerSlice must be an integer from 1 to ${MAX_ENDPOINTS_PER_SLICE}: ${max}`,
    );
  }
  if (serviceSelectorMatcher(service) === undefined) {
    if (input.existingSlices.length === 0) return NO_CHANGES;
    return { ...NO_CHANGES, delete: input.existingSlices.map(sliceName).sort(compareStrings) };
  }

  const context = new ServiceContext(input, max);
  const candidates = collectCandidates(input, context);
  const addressTypes = serviceAddressTypes(service);
  const existingByType = new Map<string, EndpointSlice[]>();
  const deletes: string[] = [];
  for (const slice of [...input.existingSlices].sort(compareSliceNames)) {
    if (!(addressTypes as readonly string[]).includes(slice.addressType)) {
      // A family the Service no longer has: deleted outright, never reused for a create.
      deletes.push(sliceName(slice));
      continue;
    }
    const ofType = existingByType.get(slice.addressType);
    if (ofType === undefined) existingByType.set(slice.addressType, [slice]);
    else ofType.push(slice);
  }

  const creates: WorkingSlice[] = [];
  const updates: WorkingSlice[] = [];
  for (const addressType of addressTypes) {
    const result = reconcileAddressType(
      context,
      candidates,
      addressType,
      existingByType.get(addressType) ?? [],
    );
    creates.push(...result.creates);
    updates.push(...result.updates);
    for (const slice of result.deletes) deletes.push(sliceName(slice));
  }

  if (creates.length === 0 && updates.length === 0 && deletes.length === 0) {
    return candidates.podsOnMissingNodes.length === 0
      ? NO_CHANGES
      : { ...NO_CHANGES, podsOnMissingNodes: candidates.podsOnMissingNodes };
  }
  return {
    create: creates.map((slice) => context.materialize(slice, input.newSliceName(context.generateName))),
    update: updates.map((slice) => context.materialize(slice, undefined)).sort(compareSliceNames),
    delete: deletes.sort(compareStrings),
    podsOnMissingNodes: candidates.podsOnMissingNodes,
  };
}

/**
 * The address types of a Service's managed slices: its `spec.ipFamilies` in order; without
 * them, the family of its cluster IP; else IPv4. (Upstream assumes both families for a headless
 * Service without ipFamilies; knsim's defaulted Services are single-stack unless they say so.)
 *
 * @example
 * ```ts
 * serviceAddressTypes({ ...service, spec: { ...service.spec, ipFamilies: ['IPv6', 'IPv4'] } }); // ['IPv6', 'IPv4']
 * ```
 */
export function serviceAddressTypes(service: Service): IpAddressType[] {
  const families = service.spec.ipFamilies ?? [];
  if (families.length > 0) return [...new Set(families)];
  const clusterIP = service.spec.clusterIP;
  const parsed = clusterIP === undefined || clusterIP === 'None' ? undefined : tryParseIp(clusterIP);
  return [parsed?.family ?? 'IPv4'];
}

/**
 * The labels of a slice of `service`: the Service's own labels except the reserved ones, plus
 * `kubernetes.io/service-name`, `endpointslice.kubernetes.io/managed-by`, and
 * `service.kubernetes.io/headless: ""` when the Service has no cluster IP (`None` or not set).
 *
 * @example
 * ```ts
 * endpointSliceLabels(service); // { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': '...' }
 * ```
 */
export function endpointSliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.metadata.labels ?? {})) {
    if (!RESERVED_LABELS.has(key)) labels[key] = value;
  }
  const clusterIP = service.spec.clusterIP;
  if (clusterIP === undefined || clusterIP === '' || clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = service.metadata.name ?? '';
  labels[MANAGED_BY_LABEL] = ENDPOINTSLICE_CONTROLLER_NAME;
  return labels;
}

/**
 * The `generateName` of a Service's slices: `<service>-`, or the bare name if the dash would
 * make an invalid prefix.
 */
export function endpointSlicePrefix(serviceName: string): string {
  // A prefix is checked with its trailing dash standing in for a character, as the API server does.
  return dns1123SubdomainProblems(`${serviceName}a`).length === 0 ? `${serviceName}-` : serviceName;
}

/**
 * A name as the API server derives one from `generateName`: the prefix (cut to 58 characters)
 * and five characters drawn from {@link GENERATE_NAME_ALPHABET}.
 *
 * @example
 * ```ts
 * generateSliceName('web-', new RandomStreams(1).stream('endpointslice-names')); // e.g. 'web-kq2xt'
 * ```
 */
export function generateSliceName(generateName: string, stream: RandomStream): string {
  let name = generateName.slice(0, MAX_GENERATE_NAME_PREFIX);
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) {
    name += GENERATE_NAME_ALPHABET.charAt(stream.int(0, GENERATE_NAME_ALPHABET.length - 1));
  }
  return name;
}

/**
 * True when two endpoints are the same endpoint across reconciles: same pod (namespace and
 * name), hostname and addresses (in any order). Everything else (conditions, node, zone) can
 * change in place, see {@link endpointsEqualBeyondIdentity}.
 */
export function sameEndpointIdentity(a: Endpoint, b: Endpoint): boolean {
  if ((a.targetRef?.name ?? '') !== (b.targetRef?.name ?? '')) return false;
  if ((a.targetRef?.namespace ?? '') !== (b.targetRef?.namespace ?? '')) return false;
  if ((a.hostname ?? '') !== (b.hostname ?? '')) return false;
  const x = a.addresses;
  const y = b.addresses;
  if (x.length !== y.length) return false;
  if (x.length === 1) return x[0] === y[0];
  const xs = [...x].sort(compareStrings);
  const ys = [...y].sort(compareStrings);
  return xs.every((address, i) => address === ys[i]);
}

/**
 * A key equal for equal port lists in any order (absent name and protocol read as "" and TCP);
 * "" for no ports. Slices are grouped by it.
 */
export function portListKey(ports: readonly EndpointPort[] | undefined): string {
  if (ports === undefined || ports.length === 0) return '';
  if (ports.length === 1) return portKey(ports[0] as EndpointPort);
  return ports.map(portKey).sort(compareStrings).join('\n');
}

function portKey(port: EndpointPort): string {
  // Port names are DNS labels and protocols are fixed words, so "\u0000" cannot occur inside.
  return `${port.name ?? ''}\u0000${port.protocol ?? 'TCP'}\u0000${port.port ?? ''}\u0000${port.appProtocol ?? ''}`;
}

/**
 * True when two endpoints of the same identity ({@link sameEndpointIdentity}) need no update:
 * same node, zone, conditions and target (resourceVersion aside). Hints are not compared, as
 * upstream.
 */
export function endpointsEqualBeyondIdentity(a: Endpoint, b: Endpoint): boolean {
  if (a.nodeName !== b.nodeName || a.zone !== b.zone) return false;
  const ca = a.conditions;
  const cb = b.conditions;
  if (ca?.ready !== cb?.ready || ca?.serving !== cb?.serving || ca?.terminating !== cb?.terminating)
    return false;
  const ra = a.targetRef;
  const rb = b.targetRef;
  if (ra === undefined || rb === undefined) return ra === rb;
  return (
    ra.kind === rb.kind &&
    ra.namespace === rb.namespace &&
    ra.name === rb.name &&
    ra.uid === rb.uid &&
    ra.apiVersion === rb.apiVersion
  );
}

// ---------------------------------------------------------------------------------------------

/** A qualifying pod with its port list, ready to become one endpoint per address type. */
interface Candidate {
  readonly facts: PodEndpointFacts;
  readonly portsKey: string;
}

interface Candidates {
  readonly list: readonly Candidate[];
  /** Port lists in the order their first pod appears (pod-name order). */
  readonly portsByKey: ReadonlyMap<string, readonly EndpointPort[]>;
  readonly podsOnMissingNodes: readonly string[];
}

/**
 * The wanted endpoints of one port list, taken one by one in pod-name order. Indexed by pod
 * name (unique in a namespace; a repeated name replaces the earlier endpoint): looking up the
 * name strings the objects already hold is much cheaper than building a composite key per
 * endpoint, and the full identity is checked after the lookup.
 */
class DesiredGroup {
  readonly endpoints: Endpoint[] = [];
  readonly #byPodName = new Map<string, number>();
  readonly #taken: boolean[] = [];
  #cursor = 0;
  remaining = 0;

  constructor(readonly ports: readonly EndpointPort[]) {}

  add(endpoint: Endpoint): void {
    const name = endpoint.targetRef?.name ?? '';
    const at = this.#byPodName.get(name);
    if (at !== undefined) {
      this.endpoints[at] = endpoint;
      return;
    }
    this.#byPodName.set(name, this.endpoints.length);
    this.endpoints.push(endpoint);
    this.#taken.push(false);
    this.remaining++;
  }

  /** The wanted version of `existing`, claimed so no other slice gets it; undefined if not wanted. */
  claim(existing: Endpoint): Endpoint | undefined {
    const name = existing.targetRef?.name;
    if (name === undefined) return undefined;
    const at = this.#byPodName.get(name);
    if (at === undefined || this.#taken[at] === true) return undefined;
    const wanted = this.endpoints[at] as Endpoint;
    if (!sameEndpointIdentity(wanted, existing)) return undefined;
    this.#taken[at] = true;
    this.remaining--;
    return wanted;
  }

  /** The unclaimed endpoint of the first pod by name. */
  takeNext(): Endpoint {
    while (this.#taken[this.#cursor] === true) this.#cursor++;
    const at = this.#cursor;
    this.#taken[at] = true;
    this.remaining--;
    return this.endpoints[at] as Endpoint;
  }
}

/** A slice being built: a new one (`original` undefined) or an edited copy of an existing one. */
interface WorkingSlice {
  readonly original: EndpointSlice | undefined;
  readonly addressType: IpAddressType;
  readonly ports: readonly EndpointPort[];
  endpoints: Endpoint[];
  labels: StringMap;
  /** For a create turned into an update: the deleted slice whose name it takes. */
  reuses?: EndpointSlice;
}

/** Per-Service values computed once. */
class ServiceContext {
  readonly service: Service;
  readonly namespace: string;
  readonly generateName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerReference: OwnerReference;
  readonly triggerTime: string | undefined;
  readonly #ownLabels: ReadonlyMap<string, string>;

  constructor(
    input: ReconcileEndpointSlicesInput,
    readonly max: number,
  ) {
    const service = input.service;
    this.triggerTime = input.triggerTime;
    const name = service.metadata.name ?? '';
    const uid = service.metadata.uid;
    this.service = service;
    this.namespace = service.metadata.namespace ?? DEFAULT_NAMESPACE;
    this.generateName = endpointSlicePrefix(name);
    this.labels = endpointSliceLabels(service);
    this.ownerReference = {
      apiVersion: 'v1',
      kind: 'Service',
      name,
      ...(uid === undefined ? {} : { uid }),
      controller: true,
      blockOwnerDeletion: true,
    };
    this.#ownLabels = new Map(
      Object.entries(service.metadata.labels ?? {}).filter(([key]) => !RESERVED_LABELS.has(key)),
    );
  }

  /** A slice belongs to the Service by its controller reference (uid, or name without a uid). */
  ownedBy(slice: EndpointSlice): boolean {
    const uid = this.service.metadata.uid;
    return (slice.metadata.ownerReferences ?? []).some(
      (ref) =>
        ref.kind === 'Service' &&
        ref.apiVersion === 'v1' &&
        ref.uid === uid &&
        (uid !== undefined || ref.name === this.ownerReference.name),
    );
  }

  /**
   * True when the slice's non-reserved labels differ from the Service's. Changes in the
   * reserved labels alone do not trigger an update (as upstream).
   */
  labelsChanged(slice: EndpointSlice): boolean {
    let count = 0;
    for (const [key, value] of Object.entries(slice.metadata.labels ?? {})) {
      if (RESERVED_LABELS.has(key)) continue;
      if (this.#ownLabels.get(key) !== value) return true;
      count++;
    }
    return count !== this.#ownLabels.size;
  }

  /** The placeholder upstream would create, compared as upstream does (namespace, labels, contents). */
  isPlaceholder(slice: EndpointSlice, addressType: IpAddressType): boolean {
    return (
      slice.addressType === addressType &&
      slice.endpoints.length === 0 &&
      (slice.ports ?? []).length === 0 &&
      (slice.metadata.namespace ?? DEFAULT_NAMESPACE) === this.namespace &&
      sameStringMap(slice.metadata.labels ?? {}, this.labels)
    );
  }

  newSlice(addressType: IpAddressType, ports: readonly EndpointPort[]): WorkingSlice {
    return { original: undefined, addressType, ports, endpoints: [], labels: this.labels };
  }

  /** The object for a working slice; `name` is given for creates only. */
  materialize(slice: WorkingSlice, name: string | undefined): EndpointSlice {
    const endpoints = [...slice.endpoints].sort(compareEndpoints);
    const base = slice.original;
    if (base !== undefined) {
      const { annotations, ...rest } = base.metadata;
      return {
        ...base,
        metadata: { ...rest, labels: slice.labels, ...this.#annotations(annotations) },
        endpoints,
      };
    }
    const reused = slice.reuses?.metadata;
    const metadata: ObjectMeta = {
      name: name ?? reused?.name ?? '',
      generateName: this.generateName,
      namespace: this.namespace,
      // The server keeps identity and creation time across an update of the same object.
      ...(reused?.uid === undefined ? {} : { uid: reused.uid }),
      ...(reused?.resourceVersion === undefined ? {} : { resourceVersion: reused.resourceVersion }),
      ...(reused?.creationTimestamp === undefined ? {} : { creationTimestamp: reused.creationTimestamp }),
      labels: slice.labels,
      ...this.#annotations(undefined),
      ownerReferences: [this.ownerReference],
    };
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata,
      addressType: slice.addressType,
      endpoints,
      ports: slice.ports,
    };
  }

  #annotations(current: StringMap | undefined): { annotations?: StringMap } {
    const annotations: Record<string, string> = { ...current };
    if (this.triggerTime === undefined) delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
    else annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = this.triggerTime;
    return Object.keys(annotations).length === 0 ? {} : { annotations };
  }
}

/** The pods that qualify, in name order, each with its endpoint port list. */
function collectCandidates(input: ReconcileEndpointSlicesInput, context: ServiceContext): Candidates {
  const sorted = [...input.pods].sort(comparePodFacts);
  const list: Candidate[] = [];
  const portsByKey = new Map<string, readonly EndpointPort[]>();
  const podsOnMissingNodes: string[] = [];
  const portsByContainers = new Map<
    readonly Container[],
    { readonly ports: readonly EndpointPort[]; readonly key: string }
  >();
  const publishNotReady = context.service.spec.publishNotReadyAddresses === true;
  for (const facts of sorted) {
    if (!shouldPodBeInEndpoints(facts)) continue;
    // Pods stamped from one template often share their containers array, and ports depend on
    // nothing else (findPort reads only the containers): resolve each array once.
    const containers = facts.pod.spec.containers;
    let resolved = portsByContainers.get(containers);
    if (resolved === undefined) {
      const ports = podEndpointPorts(context.service, facts.pod);
      resolved = { ports, key: portListKey(ports) };
      portsByContainers.set(containers, resolved);
    }
    const { ports, key: portsKey } = resolved;
    // The group exists even if this pod is then dropped (missing node, no address of a family):
    // upstream registers the port list first, which keeps that group's empty slices alive.
    if (!portsByKey.has(portsKey)) portsByKey.set(portsKey, ports);
    if (facts.nodeExists === false && !publishNotReady) {
      podsOnMissingNodes.push(facts.pod.metadata.name ?? '');
      continue;
    }
    list.push({ facts, portsKey });
  }
  return { list, portsByKey, podsOnMissingNodes };
}

interface TypeResult {
  readonly creates: WorkingSlice[];
  readonly updates: WorkingSlice[];
  readonly deletes: EndpointSlice[];
}

/** Upstream `reconcileByAddressType`: all port lists of one address type, then finalize. */
function reconcileAddressType(
  context: ServiceContext,
  candidates: Candidates,
  addressType: IpAddressType,
  existing: readonly EndpointSlice[],
): TypeResult {
  let creates: WorkingSlice[] = [];
  const updates: WorkingSlice[] = [];
  let deletes: EndpointSlice[] = [];

  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!context.ownedBy(slice)) {
      deletes.push(slice);
      continue;
    }
    const key = portListKey(slice.ports);
    const group = existingByKey.get(key);
    if (group === undefined) existingByKey.set(key, [slice]);
    else group.push(slice);
  }

  const groups = new Map<string, DesiredGroup>();
  for (const [key, ports] of candidates.portsByKey) groups.set(key, new DesiredGroup(ports));
  for (const candidate of candidates.list) {
    const endpoint = podToEndpoint(candidate.facts, context.service, addressType);
    if (endpoint.addresses.length > 0) groups.get(candidate.portsKey)?.add(endpoint);
  }

  for (const [key, group] of groups) {
    const result = reconcileByPortList(context, addressType, existingByKey.get(key) ?? [], group);
    creates.push(...result.creates);
    updates.push(...result.updates);
    deletes.push(...result.deletes);
  }
  for (const [key, slices] of existingByKey) if (!groups.has(key)) deletes.push(...slices);

  if (existing.length === deletes.length && creates.length === 0) {
    // Zero endpoints: keep one port-less, endpoint-less slice so consumers can tell "no
    // endpoints" from "not reconciled yet". An equivalent placeholder is kept, not recreated.
    const only = deletes[0];
    if (deletes.length === 1 && only !== undefined && context.isPlaceholder(only, addressType)) deletes = [];
    else creates.push(context.newSlice(addressType, []));
  }

  // finalize: turn creates into updates of slices that would be deleted, reusing their names.
  deletes.sort(compareSliceNames);
  for (let i = 0; i < deletes.length && creates.length > 0;) {
    const doomed = deletes[i] as EndpointSlice;
    if (doomed.addressType === addressType && context.ownedBy(doomed)) {
      const slice = creates.pop() as WorkingSlice;
      slice.reuses = doomed;
      updates.push(slice);
      deletes.splice(i, 1);
    } else {
      i++;
    }
  }
  // A Service being deleted gets no new slices (they would race the garbage collector).
  if (context.service.metadata.deletionTimestamp !== undefined) creates = [];
  return { creates, updates, deletes };
}

/** Upstream `reconcileByPortMapping`: the slices of one port list. */
function reconcileByPortList(
  context: ServiceContext,
  addressType: IpAddressType,
  existing: readonly EndpointSlice[],
  group: DesiredGroup,
): TypeResult {
  const max = context.max;
  const unchanged: EndpointSlice[] = [];
  const updates: WorkingSlice[] = [];
  const deletes: EndpointSlice[] = [];

  // 1. Keep what is still wanted (in its fresh version); note which slices change.
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let endpointChanged = false;
    for (const endpoint of slice.endpoints) {
      const wanted = group.claim(endpoint);
      if (wanted === undefined) continue;
      kept.push(wanted);
      if (!endpointsEqualBeyondIdentity(wanted, endpoint)) endpointChanged = true;
    }
    if (endpointChanged || kept.length !== slice.endpoints.length) {
      if (kept.length === 0) deletes.push(slice);
      else updates.push(editSlice(slice, addressType, kept, context.labels));
    } else if (context.labelsChanged(slice)) {
      updates.push(editSlice(slice, addressType, kept, context.labels));
    } else {
      unchanged.push(slice);
    }
  }

  // 2. Fill the slices that are being written anyway, fullest first.
  if (group.remaining > 0 && updates.length > 0) {
    const byFullness = [...updates].sort(
      (a, b) => b.endpoints.length - a.endpoints.length || compareSliceNames(a.original, b.original),
    );
    for (const slice of byFullness) fill(slice, group, max);
  }

  // 3. The rest: into the unchanged slice closest to full, or into new slices.
  const creates: WorkingSlice[] = [];
  while (group.remaining > 0) {
    let target: WorkingSlice | undefined;
    if (group.remaining < max && unchanged.length > 0) {
      const at = sliceToFill(unchanged, group.remaining, max);
      if (at !== undefined) {
        const slice = unchanged[at] as EndpointSlice;
        unchanged.splice(at, 1);
        target = editSlice(slice, addressType, [...slice.endpoints], slice.metadata.labels ?? {});
        updates.push(target);
      }
    }
    if (target === undefined) {
      target = context.newSlice(addressType, group.ports);
      creates.push(target);
    }
    fill(target, group, max);
  }
  return { creates, updates, deletes };
}

function editSlice(
  slice: EndpointSlice,
  addressType: IpAddressType,
  endpoints: Endpoint[],
  labels: StringMap,
): WorkingSlice {
  return { original: slice, addressType, ports: slice.ports ?? [], endpoints, labels };
}

function fill(slice: WorkingSlice, group: DesiredGroup, max: number): void {
  while (group.remaining > 0 && slice.endpoints.length < max) slice.endpoints.push(group.takeNext());
}

/** The index of the slice that ends up closest to full (first in name order on ties), if any fits. */
function sliceToFill(slices: readonly EndpointSlice[], count: number, max: number): number | undefined {
  let best: number | undefined;
  let bestGap = max;
  for (let i = 0; i < slices.length; i++) {
    const gap = max - (count + (slices[i] as EndpointSlice).endpoints.length);
    if (gap >= 0 && gap < bestGap) {
      best = i;
      bestGap = gap;
      if (gap === 0) break;
    }
  }
  return best;
}

function sliceName(slice: EndpointSlice): string {
  return slice.metadata.name ?? '';
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSliceNames(
  a: EndpointSlice | WorkingSlice | undefined,
  b: EndpointSlice | WorkingSlice | undefined,
): number {
  return compareStrings(nameOf(a), nameOf(b));
}

function nameOf(slice: EndpointSlice | WorkingSlice | undefined): string {
  if (slice === undefined) return '';
  if ('kind' in slice) return sliceName(slice);
  return (slice.original ?? slice.reuses)?.metadata.name ?? '';
}

function comparePodFacts(a: PodEndpointFacts, b: PodEndpointFacts): number {
  return (
    compareStrings(a.pod.metadata.name ?? '', b.pod.metadata.name ?? '') ||
    compareStrings(a.pod.metadata.uid ?? '', b.pod.metadata.uid ?? '')
  );
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  return (
    compareStrings(a.targetRef?.name ?? '', b.targetRef?.name ?? '') ||
    compareStrings(a.addresses[0] ?? '', b.addresses[0] ?? '')
  );
}

function sameStringMap(a: StringMap, b: StringMap): boolean {
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
