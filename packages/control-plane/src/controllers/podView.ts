import type { Pod } from '@knsim/api';
import type { PodRecord } from '../state/ClusterState.js';

// Records are immutable, so the object built for one can be reused until the pod changes.
const objects = new WeakMap<PodRecord, Pod>();

/** A pod record as the Kubernetes object a user (or the EndpointSlice logic) expects. */
export function podObject(record: PodRecord): Pod {
  let pod = objects.get(record);
  if (pod === undefined) {
    pod = buildPodObject(record);
    objects.set(record, pod);
  }
  return pod;
}

function buildPodObject(record: PodRecord): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: record.name,
      namespace: record.namespace,
      uid: record.uid,
      labels: record.labels,
      annotations: record.annotations,
      ...(record.deletionRequestedAt === undefined
        ? {}
        : { deletionTimestamp: `t+${record.deletionRequestedAt}us` }),
    },
    spec: record.nodeName === undefined ? record.spec : { ...record.spec, nodeName: record.nodeName },
    status: {
      phase: record.phase,
      ...(record.podIP === undefined ? {} : { podIP: record.podIP, podIPs: [{ ip: record.podIP }] }),
      conditions: [{ type: 'Ready', status: record.ready ? 'True' : 'False' }],
    },
  };
}
