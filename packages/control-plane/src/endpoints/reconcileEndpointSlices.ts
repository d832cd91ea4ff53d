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
 * Runs in O(pods log pods + endpoints in existing slices); far less when the caller reuses
 * objects (see below).
 *
 * **Memo.** What derives from the Service object alone (labels, owner reference, address
 * types, slice prefix) is remembered per Service object, in a module-level `WeakMap`, together
 * with the pods of the latest call for that Service and what was derived from each of them
 * (qualification, port list, sort key, endpoint per address type). A pod passed again as the
 * same (===) `PodEndpointFacts` object is not looked at again, and the pod-name order and the
 * candidate list are patched for the pods replaced, removed or appended since, so a caller
 * that reuses unchanged objects, as the EndpointSlice controller does, pays mostly for what
 * changed. Inputs must therefore be treated as immutable, as their `readonly` types say (build
 * a new object to change one). Results never depend on the memo: they are the same slices,
 * names and order as without it. Returned slices may share endpoint, port and label objects
 * with earlier results and with each other, and must not be mutated either.
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
  const info = serviceInfo(service);
  if (info === undefined) {
    if (input.existingSlices.length === 0) return NO_CHANGES;
    return { ...NO_CHANGES, delete: input.existingSlices.map(sliceName).sort(compareStrings) };
  }

  const context = new ServiceContext(info, max, input.triggerTime);
  const candidates = info.candidates(input.pods);
  const addressTypes = info.addressTypes;
  const existingSlices = sortedSlices(input.existingSlices);
  const deletes: string[] = [];
  let otherTypes = false;
  for (const slice of existingSlices) {
    if (!addressTypes.includes(slice.addressType as IpAddressType)) {
      // A family the Service no longer has: deleted outright, never reused for a create.
      deletes.push(sliceName(slice));
      otherTypes = true;
    }
  }

  const creates: WorkingSlice[] = [];
  const updates: WorkingSlice[] = [];
  for (const addressType of addressTypes) {
    const existing =
      addressTypes.length === 1 && !otherTypes
        ? existingSlices
        : existingSlices.filter((slice) => slice.addressType === addressType);
    const result = reconcileAddressType(context, candidates, addressType, existing);
    for (const slice of result.creates) creates.push(slice);
    for (const slice of result.updates) updates.push(slice);
    for (const slice of result.deletes) deletes.push(sliceName(slice));
  }

  if (creates.length === 0 && updates.length === 0 && deletes.length === 0) {
    return candidates.podsOnMissingNodes.length === 0
      ? NO_CHANGES
      : { ...NO_CHANGES, podsOnMissingNodes: candidates.podsOnMissingNodes };
  }
  const created: EndpointSlice[] = [];
  for (const slice of creates)
    created.push(context.materialize(slice, input.newSliceName(info.generateName)));
  const updated: EndpointSlice[] = [];
  for (const slice of updates) updated.push(context.materialize(slice, undefined));
  return {
    create: created,
    update: updated.length > 1 ? updated.sort(compareEndpointSliceNames) : updated,
    delete: deletes.length > 1 ? deletes.sort(compareStrings) : deletes,
    podsOnMissingNodes: candidates.podsOnMissingNodes,
  };
}

/** The slices in name order: the input itself when already sorted (it is never modified). */
function sortedSlices(slices: readonly EndpointSlice[]): readonly EndpointSlice[] {
  for (let i = 1; i < slices.length; i++) {
    if (compareEndpointSliceNames(slices[i - 1] as EndpointSlice, slices[i] as EndpointSlice) > 0) {
      return [...slices].sort(compareEndpointSliceNames);
    }
  }
  return slices;
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
  if (a === b) return true;
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

// Port lists are immutable and flow from one result into the next call's existing slices.
const portListKeys = new WeakMap<readonly EndpointPort[], string>();

/** {@link portListKey}, remembered per port list object. */
function cachedPortListKey(ports: readonly EndpointPort[] | undefined): string {
  if (ports === undefined || ports.length === 0) return '';
  let key = portListKeys.get(ports);
  if (key === undefined) {
    key = portListKey(ports);
    portListKeys.set(ports, key);
  }
  return key;
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
  if (a === b) return true;
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
//
// Performance notes. A typical call (the controller re-running a Service after one of its pods
// changed) passes the same facts, Service and slice objects as the previous call but one, so
// the work is arranged to touch as few per-pod objects as possible: what derives from a
// (Service, facts) pair is memoized ({@link PodInfo}); unchanged pods are recognised by their
// position in the previous call's pod list rather than looked up; the pod-name order and the
// candidate list are patched rather than rebuilt; an unchanged pod yields the very endpoint object the existing slice
// holds, so identity settles most comparisons; and each endpoint carries its position in the
// name order, so slices are put in order by comparing integers.

/**
 * What one pod contributes to one Service, derived from the (immutable) facts and Service
 * objects ({@link ServiceInfo.pod}) and remembered by the Service's {@link PodSnapshot}.
 */
interface PodInfo {
  readonly facts: PodEndpointFacts;
  /** Sort keys: the pod's name and uid ("" when absent). */
  readonly name: string;
  readonly uid: string;
  /** The pod has a name, so its endpoints carry `targetRef.name` and can be matched by it. */
  readonly named: boolean;
  /** The endpoint port list; undefined when the pod does not qualify (terminal, no IP). */
  readonly ports: readonly EndpointPort[] | undefined;
  readonly portsKey: string;
  /** Left out because its node is missing (and the Service does not publish not-ready pods). */
  readonly onMissingNode: boolean;
  /** The endpoint per address type once computed; null when it has no address of that type. */
  ipv4: Endpoint | null | undefined;
  ipv6: Endpoint | null | undefined;
}

/**
 * The pods of the latest call for a Service, to recognise the next call's unchanged pods by
 * position. Patched in place when pods are replaced; rebuilt when the list grows or shrinks.
 */
interface PodSnapshot {
  /** The pods as passed (a copy), and their infos in that order. */
  readonly facts: PodEndpointFacts[];
  readonly infos: PodInfo[];
  /** The pods in name order (a stable sort). */
  readonly sorted: PodInfo[];
  /** The position in {@link sorted} of each pod, by input index. */
  readonly rank: number[];
  /** False when no two pods share a name; true when some may. */
  duplicateNames: boolean;
  /** What {@link sorted} yields, once asked for (patched with the rest, or dropped). */
  candidates: Candidates | undefined;
}

/**
 * The pods that become endpoints, and what else the reconcile needs to know of the pods. Part
 * of a {@link PodSnapshot}, and patched in place with it.
 */
interface Candidates {
  /** The pods that become endpoints, in name order. */
  readonly list: PodInfo[];
  /** The position in {@link list} of each pod by its position in name order, or -1. */
  readonly listIndex: number[];
  /**
   * The keys ({@link portListKey}) of the port lists in the order their first pod appears
   * (pod-name order), that first pod's port list for each, and the position of each key.
   */
  readonly portKeys: readonly string[];
  readonly portLists: readonly (readonly EndpointPort[])[];
  readonly portKeyIndex: ReadonlyMap<string, number>;
  /** How many pods qualify (in the list or on a missing node). */
  qualifying: number;
  /** True when every qualifying pod has the port list object `portLists[0]`. */
  readonly uniformPorts: boolean;
  readonly podsOnMissingNodes: readonly string[];
  /** False when no two pods share a name; true when some may. */
  duplicateNames: boolean;
  /** True when every pod in {@link list} has a name; false when some may not. */
  allNamed: boolean;
  /** The endpoint of each pod in {@link list} per address type (null: no such address), once asked for. */
  ipv4: (Endpoint | null)[] | undefined;
  ipv6: (Endpoint | null)[] | undefined;
}

/** At most this many pods removed or appended since the previous call are patched in. */
const MAX_MOVES = 8;

/** How far past the expected position a claim looks for the identical endpoint object. */
const CLAIM_WINDOW = 4;

/**
 * The wanted endpoints of one port list, taken one by one in pod-name order. Pod names are
 * unique in it (a repeated name replaces the earlier endpoint, as pods come in name order and
 * so repeats are adjacent), so the names are strictly increasing and an endpoint is found by
 * its pod name with a binary search, after the cheaper identity checks; the full identity is
 * checked after a lookup by name.
 */
class DesiredGroup {
  readonly #endpoints: Endpoint[];
  /** The pod of each endpoint (its name is read only when needed). */
  readonly #pods: PodInfo[];
  readonly #taken: boolean[];
  #cursor = 0;
  /** Where the next claim most likely lands: just after the previous one. */
  #hint = 0;
  remaining: number;

  /**
   * An empty group to {@link add} to, or, given `endpoints` and their `pods` (in name order,
   * with unique names), a complete group that shares those arrays and never adds to them.
   */
  constructor(
    readonly ports: readonly EndpointPort[],
    /** Whether two pods may share a name (only then are names compared when adding). */
    readonly duplicateNames: boolean,
    /** Every endpoint has a `targetRef.name` (else identity alone may not claim it). */
    readonly allNamed: boolean,
    endpoints?: readonly Endpoint[],
    pods?: readonly PodInfo[],
  ) {
    this.#endpoints = (endpoints ?? []) as Endpoint[];
    this.#pods = (pods ?? []) as PodInfo[];
    this.#taken = new Array<boolean>(this.#endpoints.length).fill(false);
    this.remaining = this.#endpoints.length;
  }

  /** The endpoint at index `at`. */
  endpoint(at: number): Endpoint {
    return this.#endpoints[at] as Endpoint;
  }

  /** Adds the endpoint of `pod`; pods come in name order. Not for a complete group. */
  add(endpoint: Endpoint, pod: PodInfo): void {
    const last = this.#endpoints.length - 1;
    if (this.duplicateNames && last >= 0 && (this.#pods[last] as PodInfo).name === pod.name) {
      this.#endpoints[last] = endpoint;
      this.#pods[last] = pod;
      return;
    }
    this.#pods.push(pod);
    this.#endpoints.push(endpoint);
    this.#taken.push(false);
    this.remaining++;
  }

  /**
   * Claims the wanted version of `existing` (same pod, same identity) so no other slice gets
   * it: returns its index (see {@link endpoint}), or -1 if it is not wanted.
   */
  claim(existing: Endpoint): number {
    const endpoints = this.#endpoints;
    if (this.allNamed) {
      // An unchanged pod's endpoint is the very object, usually right after the last claim.
      const end = Math.min(endpoints.length, this.#hint + CLAIM_WINDOW);
      for (let at = this.#hint; at < end; at++) {
        if (endpoints[at] === existing) return this.#take(at);
      }
    }
    const name = existing.targetRef?.name;
    if (name === undefined) return -1;
    const at = this.#indexOf(name);
    if (at < 0) return -1;
    const wanted = endpoints[at] as Endpoint;
    if (wanted !== existing && !sameEndpointIdentity(wanted, existing)) return -1;
    return this.#take(at);
  }

  #take(at: number): number {
    if (this.#taken[at] === true) return -1;
    this.#taken[at] = true;
    this.remaining--;
    this.#hint = at + 1;
    return at;
  }

  #indexOf(name: string): number {
    const pods = this.#pods;
    let low = 0;
    let high = pods.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const order = compareStrings((pods[mid] as PodInfo).name, name);
      if (order === 0) return mid;
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** The index of the unclaimed endpoint of the first pod by name, now claimed. */
  takeNext(): number {
    while (this.#taken[this.#cursor] === true) this.#cursor++;
    const at = this.#cursor;
    this.#taken[at] = true;
    this.remaining--;
    return at;
  }
}

/** A slice being built: a new one (`original` undefined) or an edited copy of an existing one. */
interface WorkingSlice {
  readonly original: EndpointSlice | undefined;
  readonly addressType: IpAddressType;
  readonly ports: readonly EndpointPort[];
  endpoints: Endpoint[];
  /**
   * The index of each endpoint in its {@link DesiredGroup}. Pod names are unique there and
   * increase with the index, so ordering by index is the documented order of a slice's
   * endpoints (by pod name, then first address).
   */
  indices: number[];
  labels: StringMap;
  /** For a create turned into an update: the deleted slice whose name it takes. */
  reuses?: EndpointSlice;
}

// The memo: Service object -> what derives from it alone, plus its per-pod memo. A Service
// without managed slices (ExternalName, no selector) maps to null.
const serviceInfos = new WeakMap<Service, ServiceInfo | null>();

/** The memoized {@link ServiceInfo} of a Service with managed slices, else undefined. */
function serviceInfo(service: Service): ServiceInfo | undefined {
  let info = serviceInfos.get(service);
  if (info === undefined) {
    info = serviceSelectorMatcher(service) === undefined ? null : new ServiceInfo(service);
    serviceInfos.set(service, info);
  }
  return info ?? undefined;
}

/** Per-Service values, computed once per Service object (see the memo note above). */
class ServiceInfo {
  readonly namespace: string;
  readonly generateName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerReference: OwnerReference;
  readonly addressTypes: readonly IpAddressType[];
  readonly publishNotReady: boolean;
  readonly #ownLabels: ReadonlyMap<string, string>;
  /** {@link labelsChanged} of a slice carrying {@link labels} itself (false but for odd keys). */
  readonly #ownLabelsChanged: boolean;
  // Pods stamped from one template often share their containers array, and ports depend on
  // nothing else (findPort reads only the containers): resolve each array once.
  readonly #portsByContainers = new WeakMap<
    readonly Container[],
    { readonly ports: readonly EndpointPort[]; readonly key: string }
  >();
  /** The pods of the latest call. */
  #snapshot: PodSnapshot | undefined;

  constructor(readonly service: Service) {
    const name = service.metadata.name ?? '';
    const uid = service.metadata.uid;
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
    this.addressTypes = serviceAddressTypes(service);
    this.publishNotReady = service.spec.publishNotReadyAddresses === true;
    this.#ownLabels = new Map(
      Object.entries(service.metadata.labels ?? {}).filter(([key]) => !RESERVED_LABELS.has(key)),
    );
    this.#ownLabelsChanged = this.#labelsDiffer(this.labels);
  }

  /** A slice belongs to the Service by its controller reference (uid, or name without a uid). */
  ownedBy(slice: EndpointSlice): boolean {
    const refs = slice.metadata.ownerReferences;
    if (refs === undefined) return false;
    const uid = this.service.metadata.uid;
    for (const ref of refs) {
      if (
        ref.kind === 'Service' &&
        ref.apiVersion === 'v1' &&
        ref.uid === uid &&
        (uid !== undefined || ref.name === this.ownerReference.name)
      ) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the slice's non-reserved labels differ from the Service's. Changes in the
   * reserved labels alone do not trigger an update (as upstream).
   */
  labelsChanged(slice: EndpointSlice): boolean {
    const labels = slice.metadata.labels;
    // Slices written for this Service object carry its labels object itself.
    if (labels === this.labels) return this.#ownLabelsChanged;
    return this.#labelsDiffer(labels ?? {});
  }

  #labelsDiffer(labels: StringMap): boolean {
    let count = 0;
    for (const key in labels) {
      if (!Object.hasOwn(labels, key) || RESERVED_LABELS.has(key)) continue;
      if (this.#ownLabels.get(key) !== labels[key]) return true;
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
    return { original: undefined, addressType, ports, endpoints: [], indices: [], labels: this.labels };
  }

  /** What a pod contributes to this Service (remembered by the snapshot, not here). */
  pod(facts: PodEndpointFacts): PodInfo {
    const metadata = facts.pod.metadata;
    let ports: readonly EndpointPort[] | undefined;
    let portsKey = '';
    if (shouldPodBeInEndpoints(facts)) {
      const containers = facts.pod.spec.containers;
      // (Only arrays can key a WeakMap; a malformed pod without containers is resolved as is.)
      const cacheable = typeof containers === 'object' && (containers as unknown) !== null;
      let resolved = cacheable ? this.#portsByContainers.get(containers) : undefined;
      if (resolved === undefined) {
        const list = podEndpointPorts(this.service, facts.pod);
        resolved = { ports: list, key: cachedPortListKey(list) };
        if (cacheable) this.#portsByContainers.set(containers, resolved);
      }
      ports = resolved.ports;
      portsKey = resolved.key;
    }
    return {
      facts,
      name: metadata.name ?? '',
      uid: metadata.uid ?? '',
      named: metadata.name !== undefined,
      ports,
      portsKey,
      onMissingNode: facts.nodeExists === false && !this.publishNotReady,
      ipv4: undefined,
      ipv6: undefined,
    };
  }

  /** The pod's endpoint in a slice of `addressType`, or null when it has no such address. */
  endpoint(pod: PodInfo, addressType: IpAddressType): Endpoint | null {
    const known = addressType === 'IPv4' ? pod.ipv4 : pod.ipv6;
    if (known !== undefined) return known;
    const built = podToEndpoint(pod.facts, this.service, addressType);
    const endpoint = built.addresses.length > 0 ? built : null;
    if (addressType === 'IPv4') pod.ipv4 = endpoint;
    else pod.ipv6 = endpoint;
    return endpoint;
  }

  /**
   * The pods that become endpoints, in name order (then uid; a stable sort). Pods at the same
   * position as in the previous call, as the same object, are taken from it without being
   * looked at; when some were replaced, a few removed or a few appended (a caller keeping pods
   * in a `Set` or `Map` does just that), the previous results are patched.
   */
  candidates(pods: readonly PodEndpointFacts[]): Candidates {
    const last = this.#snapshot;
    if (last !== undefined && this.#patch(last, pods)) return (last.candidates ??= this.#collect(last));
    const previous = last?.facts ?? [];
    const infos = new Array<PodInfo>(pods.length);
    let known: Map<PodEndpointFacts, PodInfo> | undefined;
    for (let i = 0; i < pods.length; i++) {
      const facts = pods[i] as PodEndpointFacts;
      if (last !== undefined && facts === previous[i]) {
        infos[i] = last.infos[i] as PodInfo;
        continue;
      }
      // Pods moved (some were added or removed): find them among the previous ones.
      if (last !== undefined && known === undefined) {
        known = new Map();
        for (let j = 0; j < previous.length; j++)
          known.set(previous[j] as PodEndpointFacts, last.infos[j] as PodInfo);
      }
      infos[i] = known?.get(facts) ?? this.pod(facts);
    }
    const snapshot = fullSnapshot(pods, infos);
    this.#snapshot = snapshot;
    return (snapshot.candidates = this.#collect(snapshot));
  }

  /**
   * Brings the snapshot up to date with `pods` and returns true if they are the previous pods
   * with a few removed, some replaced in place (keeping the order) and a few appended; returns
   * false otherwise, the snapshot then being left consistent but possibly in between.
   */
  #patch(last: PodSnapshot, pods: readonly PodEndpointFacts[]): boolean {
    const previous = last.facts;
    // Align the lists: a previous pod is kept, removed (when the next one follows), or
    // replaced; what follows the previous pods is appended.
    const removed: number[] = [];
    let changed: number[] | undefined;
    let i = 0;
    let j = 0;
    while (i < pods.length && j < previous.length) {
      const facts = pods[i];
      if (facts !== previous[j]) {
        if (facts === previous[j + 1]) {
          removed.push(j++);
          continue;
        }
        (changed ??= []).push(i);
      }
      i++;
      j++;
    }
    while (j < previous.length) removed.push(j++);
    // (Each removal or append costs O(pods); many are better sorted afresh.)
    if (removed.length + pods.length - i > MAX_MOVES) return false;
    for (let r = removed.length - 1; r >= 0; r--) this.#remove(last, removed[r] as number);
    if (changed !== undefined && !this.#patchReplaced(last, pods, changed)) return false;
    for (; i < pods.length; i++) this.#append(last, pods[i] as PodEndpointFacts);
    return true;
  }

  /** {@link #patch} for the pods at input indices `changed`, replaced by those of `pods`. */
  #patchReplaced(last: PodSnapshot, pods: readonly PodEndpointFacts[], changed: readonly number[]): boolean {
    const previous = last.facts;
    const infos = changed.map((i) => this.pod(pods[i] as PodEndpointFacts));
    // The arrays are patched in place: nothing outside this class keeps them past a call (see
    // `Candidates`), and within a call they are done with before `newSliceName` can run.
    const sorted = last.sorted;
    for (let c = 0; c < changed.length; c++) {
      sorted[last.rank[changed[c] as number] as number] = infos[c] as PodInfo;
    }
    if (!staysInOrder(last, changed, infos)) {
      for (const i of changed) sorted[last.rank[i] as number] = last.infos[i] as PodInfo;
      return false;
    }
    last.candidates = last.candidates && this.#patchCandidates(last, changed, infos);
    for (let c = 0; c < changed.length; c++) {
      const i = changed[c] as number;
      previous[i] = pods[i] as PodEndpointFacts;
      last.infos[i] = infos[c] as PodInfo;
    }
    // (Replacing pods may only remove shared names: duplicateNames stays conservative.)
    return true;
  }

  /** {@link #patch} for a pod appended to the input: it goes after every pod sorting before or equal. */
  #append(last: PodSnapshot, facts: PodEndpointFacts): void {
    const pod = this.pod(facts);
    const sorted = last.sorted;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comparePodInfos(sorted[mid] as PodInfo, pod) <= 0) low = mid + 1;
      else high = mid;
    }
    const k = low;
    if (sorted[k - 1]?.name === pod.name || sorted[k]?.name === pod.name) {
      last.duplicateNames = true;
      if (last.candidates !== undefined) last.candidates.duplicateNames = true;
    }
    last.candidates = last.candidates && this.#insertCandidate(last.candidates, k, pod);
    sorted.splice(k, 0, pod);
    const rank = last.rank;
    for (let i = 0; i < rank.length; i++) if ((rank[i] as number) >= k) rank[i] = (rank[i] as number) + 1;
    rank.push(k);
    last.facts.push(facts);
    last.infos.push(pod);
  }

  /**
   * The candidates with `pod` inserted at position `k` in name order, if the port lists stay
   * the same; else undefined.
   */
  #insertCandidate(candidates: Candidates, k: number, pod: PodInfo): Candidates | undefined {
    const listIndex = candidates.listIndex;
    if (pod.ports === undefined) {
      listIndex.splice(k, 0, -1);
      return candidates;
    }
    if (pod.onMissingNode || !candidates.uniformPorts || pod.ports !== candidates.portLists[0])
      return undefined;
    // Its place in the list: after the listed pods sorting before it.
    let at = 0;
    for (let j = k - 1; j >= 0; j--) {
      const before = listIndex[j] as number;
      if (before >= 0) {
        at = before + 1;
        break;
      }
    }
    for (let j = 0; j < listIndex.length; j++)
      if ((listIndex[j] as number) >= at) listIndex[j] = (listIndex[j] as number) + 1;
    listIndex.splice(k, 0, at);
    candidates.list.splice(at, 0, pod);
    candidates.ipv4?.splice(at, 0, this.endpoint(pod, 'IPv4'));
    candidates.ipv6?.splice(at, 0, this.endpoint(pod, 'IPv6'));
    candidates.qualifying++;
    if (!pod.named) candidates.allNamed = false;
    return candidates;
  }

  /** {@link #patch} for the pod at input index `removed` leaving. */
  #remove(last: PodSnapshot, removed: number): void {
    const pod = last.infos[removed] as PodInfo;
    const rank = last.rank;
    const k = rank[removed] as number;
    last.candidates = last.candidates && this.#removeCandidate(last.candidates, k, pod);
    // Removing a pod keeps the others in order (and may only remove shared names).
    last.sorted.splice(k, 1);
    rank.splice(removed, 1);
    for (let i = 0; i < rank.length; i++) if ((rank[i] as number) > k) rank[i] = (rank[i] as number) - 1;
    last.facts.splice(removed, 1);
    last.infos.splice(removed, 1);
  }

  /**
   * The candidates without `pod`, at position `k` in name order, if the port lists stay the
   * same; else undefined.
   */
  #removeCandidate(candidates: Candidates, k: number, pod: PodInfo): Candidates | undefined {
    const listIndex = candidates.listIndex;
    if (pod.ports === undefined) {
      listIndex.splice(k, 1);
      return candidates;
    }
    // (A pod on a missing node is named in podsOnMissingNodes; the last qualifying pod or any
    // of several port lists may take a port list with it.)
    if (pod.onMissingNode || !candidates.uniformPorts || candidates.qualifying === 1) return undefined;
    const at = listIndex[k] as number;
    listIndex.splice(k, 1);
    for (let j = 0; j < listIndex.length; j++)
      if ((listIndex[j] as number) > at) listIndex[j] = (listIndex[j] as number) - 1;
    candidates.list.splice(at, 1);
    candidates.ipv4?.splice(at, 1);
    candidates.ipv6?.splice(at, 1);
    candidates.qualifying--;
    return candidates;
  }

  /**
   * The candidates with the pods at input indices `changed` replaced by `now` (in place in
   * name order), if the port lists stay the same (no missing node involved, and the same port
   * list object, or pods entering or leaving the only port list, which every qualifying pod
   * shares); else undefined, to be collected afresh.
   */
  #patchCandidates(
    last: PodSnapshot,
    changed: readonly number[],
    now: readonly PodInfo[],
  ): Candidates | undefined {
    const candidates = last.candidates as Candidates;
    let qualifying = candidates.qualifying;
    let sameList = true;
    for (let c = 0; c < changed.length; c++) {
      const old = last.infos[changed[c] as number] as PodInfo;
      const pod = now[c] as PodInfo;
      if (old.ports !== undefined && old.onMissingNode) return undefined;
      if (pod.ports !== undefined && pod.onMissingNode) return undefined;
      if (old.ports === pod.ports) continue;
      // A pod enters or leaves the list (or changes port list).
      const shared = candidates.uniformPorts ? candidates.portLists[0] : undefined;
      if (shared === undefined || (pod.ports !== undefined && pod.ports !== shared)) return undefined;
      qualifying += (pod.ports === undefined ? 0 : 1) - (old.ports === undefined ? 0 : 1);
      sameList = false;
    }
    // (The last qualifying pod leaving takes its port list with it.)
    if (qualifying === 0 && candidates.qualifying > 0) return undefined;
    return sameList
      ? this.#replaceCandidates(last, changed, now)
      : this.#recollectCandidates(last, changed, now, qualifying);
  }

  /** {@link #patchCandidates} when the replaced pods keep their place in the list (in place). */
  #replaceCandidates(last: PodSnapshot, changed: readonly number[], now: readonly PodInfo[]): Candidates {
    const candidates = last.candidates as Candidates;
    const { list, ipv4, ipv6 } = candidates;
    for (let c = 0; c < changed.length; c++) {
      const at = candidates.listIndex[last.rank[changed[c] as number] as number] as number;
      if (at < 0) continue;
      const pod = now[c] as PodInfo;
      list[at] = pod;
      if (ipv4 !== undefined) ipv4[at] = this.endpoint(pod, 'IPv4');
      if (ipv6 !== undefined) ipv6[at] = this.endpoint(pod, 'IPv6');
      if (!pod.named) candidates.allNamed = false;
    }
    return candidates;
  }

  /**
   * {@link #patchCandidates} when pods enter or leave the list: the list is rebuilt from the
   * previous one and the replaced pods, without looking at the others.
   */
  #recollectCandidates(
    last: PodSnapshot,
    changed: readonly number[],
    now: readonly PodInfo[],
    qualifying: number,
  ): Candidates {
    const candidates = last.candidates as Candidates;
    const count = last.sorted.length;
    // The replaced pods by their position in name order, in that order.
    const ranks = changed.map((i) => last.rank[i] as number);
    const order = ranks.map((_, c) => c).sort((a, b) => (ranks[a] as number) - (ranks[b] as number));
    const list: PodInfo[] = [];
    const listIndex = new Array<number>(count);
    const ipv4: (Endpoint | null)[] | undefined = candidates.ipv4 === undefined ? undefined : [];
    const ipv6: (Endpoint | null)[] | undefined = candidates.ipv6 === undefined ? undefined : [];
    let allNamed = candidates.allNamed;
    let next = 0;
    for (let k = 0; k < count; k++) {
      const c = order[next];
      if (c !== undefined && ranks[c] === k) {
        next++;
        const pod = now[c] as PodInfo;
        if (pod.ports === undefined) {
          listIndex[k] = -1;
          continue;
        }
        listIndex[k] = list.length;
        list.push(pod);
        ipv4?.push(this.endpoint(pod, 'IPv4'));
        ipv6?.push(this.endpoint(pod, 'IPv6'));
        allNamed &&= pod.named;
        continue;
      }
      const at = candidates.listIndex[k] as number;
      if (at < 0) {
        listIndex[k] = -1;
        continue;
      }
      listIndex[k] = list.length;
      list.push(candidates.list[at] as PodInfo);
      ipv4?.push((candidates.ipv4 as readonly (Endpoint | null)[])[at] as Endpoint | null);
      ipv6?.push((candidates.ipv6 as readonly (Endpoint | null)[])[at] as Endpoint | null);
    }
    return {
      list,
      listIndex,
      portKeys: candidates.portKeys,
      portLists: candidates.portLists,
      portKeyIndex: candidates.portKeyIndex,
      qualifying,
      uniformPorts: candidates.uniformPorts,
      podsOnMissingNodes: candidates.podsOnMissingNodes,
      duplicateNames: candidates.duplicateNames,
      allNamed,
      ipv4,
      ipv6,
    };
  }

  /** The candidates among the snapshot's pods. */
  #collect(snapshot: PodSnapshot): Candidates {
    const list: PodInfo[] = [];
    const listIndex = new Array<number>(snapshot.sorted.length);
    const portKeys: string[] = [];
    const portLists: (readonly EndpointPort[])[] = [];
    const portKeyIndex = new Map<string, number>();
    const podsOnMissingNodes: string[] = [];
    let allNamed = true;
    let qualifying = 0;
    let uniformPorts = true;
    for (let k = 0; k < snapshot.sorted.length; k++) {
      const pod = snapshot.sorted[k] as PodInfo;
      listIndex[k] = -1;
      const ports = pod.ports;
      if (ports === undefined) continue;
      qualifying++;
      if (ports !== portLists[0] && portLists.length > 0) uniformPorts = false;
      // The group exists even if this pod is then dropped (missing node, no address of a
      // family): upstream registers the port list first, which keeps that group's empty
      // slices alive.
      if (!portKeyIndex.has(pod.portsKey)) {
        portKeyIndex.set(pod.portsKey, portKeys.length);
        portKeys.push(pod.portsKey);
        portLists.push(ports);
      }
      if (pod.onMissingNode) {
        podsOnMissingNodes.push(pod.name);
        continue;
      }
      listIndex[k] = list.length;
      list.push(pod);
      if (!pod.named) allNamed = false;
    }
    return {
      list,
      listIndex,
      portKeys,
      portLists,
      portKeyIndex,
      qualifying,
      uniformPorts,
      podsOnMissingNodes,
      duplicateNames: snapshot.duplicateNames,
      allNamed,
      ipv4: undefined,
      ipv6: undefined,
    };
  }

  /** The endpoint of each candidate in a slice of `addressType` (null: no such address). */
  endpoints(candidates: Candidates, addressType: IpAddressType): readonly (Endpoint | null)[] {
    let endpoints = addressType === 'IPv4' ? candidates.ipv4 : candidates.ipv6;
    if (endpoints === undefined) {
      endpoints = candidates.list.map((pod) => this.endpoint(pod, addressType));
      if (addressType === 'IPv4') candidates.ipv4 = endpoints;
      else candidates.ipv6 = endpoints;
    }
    return endpoints;
  }
}

/**
 * Whether `sorted`, where the pods at input indices `changed` were replaced by `now` (the
 * snapshot's `infos` still holding the previous ones), is still in order.
 */
function staysInOrder(last: PodSnapshot, changed: readonly number[], now: readonly PodInfo[]): boolean {
  const sorted = last.sorted;
  for (let c = 0; c < changed.length; c++) {
    const i = changed[c] as number;
    const pod = now[c] as PodInfo;
    // Same name and uid: same place (ties keep input order, and the index is the same).
    if (comparePodInfos(last.infos[i] as PodInfo, pod) === 0) continue;
    // Otherwise it must sort strictly between its neighbours by name alone, which also keeps
    // names unique around it. (Unchanged neighbours stay in order with each other.)
    const k = last.rank[i] as number;
    const before = sorted[k - 1];
    const after = sorted[k + 1];
    if (before !== undefined && compareStrings(before.name, pod.name) >= 0) return false;
    if (after !== undefined && compareStrings(pod.name, after.name) >= 0) return false;
  }
  return true;
}

/** The snapshot of `pods` computed from scratch (a stable sort of their indices). */
function fullSnapshot(pods: readonly PodEndpointFacts[], infos: PodInfo[]): PodSnapshot {
  const count = infos.length;
  const order = new Array<number>(count);
  let inOrder = true;
  for (let i = 0; i < count; i++) {
    order[i] = i;
    if (inOrder && i > 0 && comparePodInfos(infos[i - 1] as PodInfo, infos[i] as PodInfo) > 0)
      inOrder = false;
  }
  if (!inOrder) {
    order.sort((a, b) => comparePodInfos(infos[a] as PodInfo, infos[b] as PodInfo) || a - b);
  }
  const rank = new Array<number>(count);
  const sorted = new Array<PodInfo>(count);
  let duplicateNames = false;
  for (let k = 0; k < count; k++) {
    const i = order[k] as number;
    const info = infos[i] as PodInfo;
    rank[i] = k;
    sorted[k] = info;
    if (k > 0 && (sorted[k - 1] as PodInfo).name === info.name) duplicateNames = true;
  }
  return { facts: pods.slice(), infos, sorted, rank, duplicateNames, candidates: undefined };
}

/** The per-call view of a Service: its memoized info plus this call's settings. */
class ServiceContext {
  constructor(
    readonly info: ServiceInfo,
    readonly max: number,
    readonly triggerTime: string | undefined,
  ) {}

  /** The object for a working slice; `name` is given for creates only. */
  materialize(slice: WorkingSlice, name: string | undefined): EndpointSlice {
    // The working array is never shared, and it is usually in order already.
    const endpoints = isIncreasing(slice.indices)
      ? slice.endpoints
      : sortByIndices(slice.endpoints, slice.indices);
    const base = slice.original;
    if (base !== undefined) {
      const current = base.metadata;
      let metadata: Mutable<ObjectMeta>;
      let annotations: StringMap | undefined;
      if (current.annotations === undefined && !Object.hasOwn(current, 'annotations')) {
        // The same object as below, built without the slower object rest.
        metadata = { ...current };
        annotations = this.#annotations(undefined);
      } else {
        const { annotations: before, ...rest } = current;
        metadata = rest;
        annotations = this.#annotations(before);
      }
      // (Assignments to the fresh copies define the same keys in the same order as spreads.)
      metadata.labels = slice.labels;
      if (annotations !== undefined) metadata.annotations = annotations;
      const updated: Mutable<EndpointSlice> = { ...base };
      updated.metadata = metadata;
      updated.endpoints = endpoints;
      return updated;
    }
    const info = this.info;
    const reused = slice.reuses?.metadata;
    const metadata: ObjectMeta = {
      name: name ?? reused?.name ?? '',
      generateName: info.generateName,
      namespace: info.namespace,
      // The server keeps identity and creation time across an update of the same object.
      ...(reused?.uid === undefined ? {} : { uid: reused.uid }),
      ...(reused?.resourceVersion === undefined ? {} : { resourceVersion: reused.resourceVersion }),
      ...(reused?.creationTimestamp === undefined ? {} : { creationTimestamp: reused.creationTimestamp }),
      labels: slice.labels,
      ...this.#annotationsProperty(),
      ownerReferences: [info.ownerReference],
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

  /** The annotations of a changed slice that had `current`; undefined for none. */
  #annotations(current: StringMap | undefined): StringMap | undefined {
    if (current === undefined && this.triggerTime === undefined) return undefined;
    const annotations: Record<string, string> = { ...current };
    if (this.triggerTime === undefined) delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
    else annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = this.triggerTime;
    return Object.keys(annotations).length === 0 ? undefined : annotations;
  }

  #annotationsProperty(): { annotations?: StringMap } {
    const annotations = this.#annotations(undefined);
    return annotations === undefined ? {} : { annotations };
  }
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
  const info = context.info;
  let creates: WorkingSlice[] = [];
  const updates: WorkingSlice[] = [];
  let deletes: EndpointSlice[] = [];

  // The existing slices by port list: those of the candidates' port lists by position, the
  // others (to be deleted) by key in order of appearance.
  const keys = candidates.portKeys;
  const existingByGroup = new Array<EndpointSlice[] | undefined>(keys.length);
  let orphans: Map<string, EndpointSlice[]> | undefined;
  for (const slice of existing) {
    if (!info.ownedBy(slice)) {
      deletes.push(slice);
      continue;
    }
    const key = cachedPortListKey(slice.ports);
    const at = keys.length === 1 ? (keys[0] === key ? 0 : -1) : (candidates.portKeyIndex.get(key) ?? -1);
    if (at >= 0) {
      (existingByGroup[at] ??= []).push(slice);
      continue;
    }
    orphans ??= new Map();
    const group = orphans.get(key);
    if (group === undefined) orphans.set(key, [slice]);
    else group.push(slice);
  }

  const groups = desiredGroups(info, candidates, addressType);
  for (let at = 0; at < groups.length; at++) {
    const group = groups[at] as DesiredGroup;
    reconcileByPortList(context, addressType, existingByGroup[at] ?? [], group, creates, updates, deletes);
  }
  if (orphans !== undefined)
    for (const slices of orphans.values()) for (const slice of slices) deletes.push(slice);

  if (existing.length === deletes.length && creates.length === 0) {
    // Zero endpoints: keep one port-less, endpoint-less slice so consumers can tell "no
    // endpoints" from "not reconciled yet". An equivalent placeholder is kept, not recreated.
    const first = deletes[0];
    if (deletes.length === 1 && first !== undefined && info.isPlaceholder(first, addressType)) deletes = [];
    else creates.push(info.newSlice(addressType, []));
  }

  // finalize: turn creates into updates of slices that would be deleted, reusing their names.
  if (deletes.length > 1) deletes.sort(compareEndpointSliceNames);
  for (let i = 0; i < deletes.length && creates.length > 0;) {
    const doomed = deletes[i] as EndpointSlice;
    if (doomed.addressType === addressType && info.ownedBy(doomed)) {
      const slice = creates.pop() as WorkingSlice;
      slice.reuses = doomed;
      updates.push(slice);
      deletes.splice(i, 1);
    } else {
      i++;
    }
  }
  // A Service being deleted gets no new slices (they would race the garbage collector).
  if (info.service.metadata.deletionTimestamp !== undefined) creates = [];
  return { creates, updates, deletes };
}

/** The wanted endpoints of `addressType`, one group per port list (in the candidates' order). */
function desiredGroups(
  info: ServiceInfo,
  candidates: Candidates,
  addressType: IpAddressType,
): DesiredGroup[] {
  const { list, portLists, duplicateNames, allNamed } = candidates;
  const endpoints = info.endpoints(candidates, addressType);
  if (portLists.length === 1 && !duplicateNames && !endpoints.includes(null)) {
    // The usual case: every candidate, each with an address, in one port list.
    return [
      new DesiredGroup(
        portLists[0] as readonly EndpointPort[],
        false,
        allNamed,
        endpoints as Endpoint[],
        list,
      ),
    ];
  }
  const groups = portLists.map((ports) => new DesiredGroup(ports, duplicateNames, allNamed));
  for (let c = 0; c < list.length; c++) {
    const endpoint = endpoints[c];
    if (endpoint === null || endpoint === undefined) continue;
    const candidate = list[c] as PodInfo;
    const at = groups.length === 1 ? 0 : candidates.portKeyIndex.get(candidate.portsKey);
    if (at !== undefined) groups[at]?.add(endpoint, candidate);
  }
  return groups;
}

/** Upstream `reconcileByPortMapping`: the slices of one port list. */
function reconcileByPortList(
  context: ServiceContext,
  addressType: IpAddressType,
  existing: readonly EndpointSlice[],
  group: DesiredGroup,
  creates: WorkingSlice[],
  updates: WorkingSlice[],
  deletes: EndpointSlice[],
): void {
  const max = context.max;
  const info = context.info;
  const unchanged: EndpointSlice[] = [];
  const unchangedIndices: number[][] = [];
  // This port list's updates are those from here on.
  const firstUpdate = updates.length;

  // 1. Keep what is still wanted (in its fresh version); note which slices change.
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    const indices: number[] = [];
    let endpointChanged = false;
    for (const endpoint of slice.endpoints) {
      const at = group.claim(endpoint);
      if (at < 0) continue;
      const wanted = group.endpoint(at);
      kept.push(wanted);
      indices.push(at);
      if (wanted !== endpoint && !endpointsEqualBeyondIdentity(wanted, endpoint)) endpointChanged = true;
    }
    if (endpointChanged || kept.length !== slice.endpoints.length) {
      if (kept.length === 0) deletes.push(slice);
      else updates.push(editSlice(slice, addressType, kept, indices, info.labels));
    } else if (info.labelsChanged(slice)) {
      updates.push(editSlice(slice, addressType, kept, indices, info.labels));
    } else {
      unchanged.push(slice);
      unchangedIndices.push(indices);
    }
  }

  // 2. Fill the slices that are being written anyway, fullest first.
  if (group.remaining > 0 && updates.length > firstUpdate) {
    const byFullness = updates
      .slice(firstUpdate)
      .sort((a, b) => b.endpoints.length - a.endpoints.length || compareSliceNames(a.original, b.original));
    for (const slice of byFullness) fill(slice, group, max);
  }

  // 3. The rest: into the unchanged slice closest to full, or into new slices.
  while (group.remaining > 0) {
    let target: WorkingSlice | undefined;
    if (group.remaining < max && unchanged.length > 0) {
      const at = sliceToFill(unchanged, group.remaining, max);
      if (at !== undefined) {
        const slice = unchanged[at] as EndpointSlice;
        const indices = unchangedIndices[at] as number[];
        unchanged.splice(at, 1);
        unchangedIndices.splice(at, 1);
        target = editSlice(slice, addressType, [...slice.endpoints], indices, slice.metadata.labels ?? {});
        updates.push(target);
      }
    }
    if (target === undefined) {
      target = info.newSlice(addressType, group.ports);
      creates.push(target);
    }
    fill(target, group, max);
  }
}

function editSlice(
  slice: EndpointSlice,
  addressType: IpAddressType,
  endpoints: Endpoint[],
  indices: number[],
  labels: StringMap,
): WorkingSlice {
  return { original: slice, addressType, ports: slice.ports ?? [], endpoints, indices, labels };
}

function fill(slice: WorkingSlice, group: DesiredGroup, max: number): void {
  while (group.remaining > 0 && slice.endpoints.length < max) {
    const at = group.takeNext();
    slice.endpoints.push(group.endpoint(at));
    slice.indices.push(at);
  }
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

function compareEndpointSliceNames(a: EndpointSlice, b: EndpointSlice): number {
  return compareStrings(sliceName(a), sliceName(b));
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

function comparePodInfos(a: PodInfo, b: PodInfo): number {
  return compareStrings(a.name, b.name) || compareStrings(a.uid, b.uid);
}

function isIncreasing(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++)
    if ((values[i - 1] as number) >= (values[i] as number)) return false;
  return true;
}

/** The endpoints ordered by their (distinct) group indices. */
function sortByIndices(endpoints: readonly Endpoint[], indices: readonly number[]): Endpoint[] {
  const positions = indices.map((_, position) => position);
  positions.sort((a, b) => (indices[a] as number) - (indices[b] as number));
  return positions.map((position) => endpoints[position] as Endpoint);
}

function sameStringMap(a: StringMap, b: StringMap): boolean {
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
