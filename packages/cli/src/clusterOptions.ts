import { Option, type Command } from 'commander';
import {
  loadManifests,
  ManifestError,
  formatManifestIssue,
  type KubeObject,
  type ManifestIssue,
} from '@knsim/api';
import { UserError } from '@knsim/core';
import {
  Cluster,
  loadClusterConfig,
  resolveClusterConfig,
  type ClusterConfig,
  type ClusterConfigSpec,
} from '@knsim/control-plane';
import type { CliIo } from './io.js';

/** The flags every command that builds a cluster accepts. */
export interface ClusterFlags {
  readonly filename?: string[];
  readonly config?: string;
  readonly nodes?: string;
  readonly clusterCidr?: string;
  readonly serviceCidr?: string;
  readonly serviceNodePortRange?: string;
  readonly clusterDomain?: string;
  readonly seed: string;
}

export function addClusterOptions(command: Command, options: { manifestsRequired: boolean }): Command {
  const filename = new Option(
    '-f, --filename <path...>',
    'manifests: files, folders (recursive) or - for stdin; repeatable',
  );
  if (options.manifestsRequired) filename.makeOptionMandatory();
  return command
    .addOption(filename)
    .option('--config <file>', 'cluster configuration file (YAML or JSON, kind: ClusterConfig)')
    .option('--nodes <count|names>', 'node count, or comma-separated node names (default 3)')
    .option('--cluster-cidr <cidr>', 'pod network (default 10.244.0.0/16)')
    .option('--service-cidr <cidr>', 'Service ClusterIP range (default 10.96.0.0/12)')
    .option('--service-node-port-range <range>', 'NodePort range (default 30000-32767)')
    .option('--cluster-domain <domain>', 'cluster DNS domain (default cluster.local)')
    .option('--seed <seed>', 'run seed', '1');
}

/** The configuration from `--config` with flags on top (flags win). */
export function clusterConfigFrom(flags: ClusterFlags): ClusterConfig {
  const base: ClusterConfigSpec = flags.config === undefined ? {} : loadClusterConfig(flags.config).spec;
  let nodes: ClusterConfigSpec['nodes'] = base.nodes;
  if (flags.nodes !== undefined) {
    const text = flags.nodes.trim();
    if (/^\d+$/.test(text)) nodes = Number(text);
    else if (/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(,[a-z0-9]([-a-z0-9.]*[a-z0-9])?)*$/.test(text))
      nodes = text.split(',').map((name) => ({ name }));
    else
      throw new UserError(
        `invalid --nodes ${JSON.stringify(flags.nodes)}: give a count (e.g. 5) or comma-separated node names (e.g. a,b,c)`,
      );
  }
  const spec: ClusterConfigSpec = {
    ...base,
    ...(nodes === undefined ? {} : { nodes }),
    ...(flags.clusterCidr === undefined ? {} : { clusterCIDR: flags.clusterCidr }),
    ...(flags.serviceCidr === undefined ? {} : { serviceCIDR: flags.serviceCidr }),
    ...(flags.serviceNodePortRange === undefined ? {} : { serviceNodePortRange: flags.serviceNodePortRange }),
    ...(flags.clusterDomain === undefined ? {} : { clusterDomain: flags.clusterDomain }),
  };
  return resolveClusterConfig(
    spec,
    flags.config === undefined ? 'cluster configuration (flags)' : `${flags.config} (with flags)`,
  );
}

/** Loads the manifests named by `-f` (strict, as the API server), printing warnings. */
export async function loadManifestFlags(
  flags: ClusterFlags,
  io: CliIo,
  config?: ClusterConfig,
): Promise<{ objects: KubeObject[]; warnings: readonly ManifestIssue[] }> {
  const sources = flags.filename ?? [];
  if (sources.length === 0) return { objects: [], warnings: [] };
  const range = config?.serviceNodePortRange;
  const loaded = await loadManifests(
    sources,
    range === undefined ? {} : { nodePortRange: { first: range.base, last: range.base + range.size - 1 } },
  );
  for (const warning of loaded.warnings) io.stderr(`warning: ${formatManifestIssue(warning)}\n`);
  return { objects: [...loaded.objects], warnings: loaded.warnings };
}

/** Builds a cluster from the flags and applies the manifests (every refusal reported together). */
export async function buildCluster(
  flags: ClusterFlags,
  io: CliIo,
): Promise<{ cluster: Cluster; objects: KubeObject[] }> {
  // The NodePort range must be known to validate the manifests.
  const config = clusterConfigFrom(flags);
  const { objects } = await loadManifestFlags(flags, io, config);
  const cluster = new Cluster({ seed: flags.seed, config, manifests: objects });
  return { cluster, objects };
}

export { ManifestError };
