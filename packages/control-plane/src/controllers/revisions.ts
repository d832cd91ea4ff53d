import type { PodTemplateSpec } from '@knsim/api';
import { canonicalJson } from '@knsim/core';

/**
 * A short stable hash of a pod template (for StatefulSet/DaemonSet `controller-revision-hash`):
 * `<name>-` plus FNV-1a of the canonical JSON, in hex. Same template, same revision.
 */
export function templateRevision(name: string, template: PodTemplateSpec): string {
  const text = canonicalJson(template);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${name}-${(hash >>> 0).toString(16).padStart(8, '0').slice(0, 10)}`;
}
