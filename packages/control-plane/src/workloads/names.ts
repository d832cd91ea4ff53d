import { dns1123SubdomainProblems, type PodTemplateSpec } from '@knsim/api';
import { canonicalJson, type RandomStream } from '@knsim/core';

/**
 * How controllers name what they create: the pod-template-hash of a Deployment's ReplicaSets,
 * the API server's generateName suffixes, StatefulSet ordinals and Job completion indexes.
 *
 * @module
 */

/**
 * The 27 characters of Kubernetes' random strings and safe encodings: no vowels, and none of the
 * digits 0, 1 and 3 that could stand in for them, so no word appears by accident.
 */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Length of the random suffix the API server appends to a generateName prefix. */
export const NAME_SUFFIX_LENGTH = 5;

/** The longest generateName prefix kept: 63 (a DNS label) minus the suffix. */
export const MAX_GENERATED_NAME_PREFIX_LENGTH = 63 - NAME_SUFFIX_LENGTH;

/** 32-bit FNV-1a of some bytes, as an unsigned integer. */
export function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/**
 * Kubernetes' `SafeEncodeString`: each character c becomes `NAME_ALPHABET[code(c) % 27]`, which
 * makes a string safe for names (the decimal digits map to 4-9, b, c, d, f).
 */
export function safeEncodeString(text: string): string {
  let out = '';
  for (const char of text) out += NAME_ALPHABET[(char.codePointAt(0) as number) % NAME_ALPHABET.length];
  return out;
}

/**
 * The pod-template-hash of a template: FNV-1a (32 bits) over the canonical JSON of the template,
 * then over 8 bytes holding `collisionCount` as a little-endian uint32 when it is given, written
 * as a decimal string and safe-encoded. Kubernetes hashes a Go dump of the template instead, which
 * cannot be reproduced, so the values differ from a real cluster's but have the same shape:
 * 1 to 10 characters over `4-9bcdf`, usually 9 or 10.
 *
 * Hash the Deployment's template as written (without the pod-template-hash label).
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  const json = new TextEncoder().encode(canonicalJson(template));
  let bytes = json;
  if (collisionCount !== undefined) {
    if (!Number.isInteger(collisionCount) || collisionCount < 0 || collisionCount >= 2 ** 32) {
      throw new RangeError(`collisionCount ${collisionCount} is not a uint32`);
    }
    bytes = new Uint8Array(json.length + 8);
    bytes.set(json);
    // Kubernetes allocates 8 bytes and fills the first 4; the last 4 stay zero.
    new DataView(bytes.buffer).setUint32(json.length, collisionCount, true);
  }
  return safeEncodeString(String(fnv1a32(bytes)));
}

/** The name of a Deployment's ReplicaSet for a template hash: `<deployment>-<hash>`. */
export function replicaSetName(deploymentName: string, templateHash: string): string {
  return `${deploymentName}-${templateHash}`;
}

/** `length` characters drawn uniformly from {@link NAME_ALPHABET}. */
export function randomNameSuffix(rng: RandomStream, length = NAME_SUFFIX_LENGTH): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[rng.int(0, NAME_ALPHABET.length - 1)];
  return out;
}

/**
 * What the API server does with `metadata.generateName`: keep at most 58 characters of the
 * prefix, then append 5 random characters, so the result fits a 63-character DNS label.
 */
export function generateName(prefix: string, rng: RandomStream): string {
  return prefix.slice(0, MAX_GENERATED_NAME_PREFIX_LENGTH) + randomNameSuffix(rng);
}

/**
 * The generateName prefix a controller gives its pods: `<name>-`, or `<name>` alone when the
 * prefix would not validate. Validation treats a trailing dash as a letter, but, as Kubernetes
 * does, by replacing the last *two* characters with one, so any valid object name keeps its dash.
 */
export function controllerPodPrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  const masked = `${prefix.slice(0, -2)}a`;
  return dns1123SubdomainProblems(masked).length === 0 ? prefix : controllerName;
}

/**
 * A pod name for a ReplicaSet, a DaemonSet or a non-indexed Job: the controller's prefix plus a
 * random suffix, e.g. `web-6b4f5d7c9d-x2k8q`.
 */
export function controllerPodName(controllerName: string, rng: RandomStream): string {
  return generateName(controllerPodPrefix(controllerName), rng);
}

/** The pod of a StatefulSet at an ordinal: `<set>-<ordinal>` (no randomness, so a replacement keeps its DNS name). */
export function statefulSetPodName(setName: string, ordinal: number): string {
  return `${setName}-${ordinal}`;
}

/**
 * The generateName prefix of a Job's pods: `<job>-` for a NonIndexed Job, `<job>-<index>-` for
 * an Indexed one, where the job name is cut so that the index survives the 58-character limit.
 */
export function jobPodPrefix(jobName: string, completionIndex?: number): string {
  if (completionIndex === undefined) return controllerPodPrefix(jobName);
  const indexPart = `-${completionIndex}-`;
  const prefix = jobName + indexPart;
  if (prefix.length <= MAX_GENERATED_NAME_PREFIX_LENGTH) return prefix;
  return jobName.slice(0, MAX_GENERATED_NAME_PREFIX_LENGTH - indexPart.length) + indexPart;
}

/** A pod name for a Job (pass the completion index for an Indexed Job), e.g. `batch-3-q7w2x`. */
export function jobPodName(jobName: string, completionIndex: number | undefined, rng: RandomStream): string {
  return generateName(jobPodPrefix(jobName, completionIndex), rng);
}
