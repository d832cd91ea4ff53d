import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatDuration, parseDuration, UserError } from '@knsim/core';
import { clusterSnapshot, formatClusterSnapshot } from '@knsim/control-plane';
import { addClusterOptions, buildCluster, type ClusterFlags } from './clusterOptions.js';
import type { CliIo } from './io.js';

// How far `knsim cluster` runs when no --at is given and the cluster never settles.
const DEFAULT_CONVERGE_LIMIT = '1h';

export function registerClusterCommands(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('validate')
      .description(
        'check manifests as the API server would (syntax, fields, names, selectors, ports, CIDRs, allocations); exit 2 if invalid',
      ),
    { manifestsRequired: true },
  ).action(async (flags: ClusterFlags & { json?: boolean }) => {
    const { cluster, objects } = await buildCluster(flags, io);
    const counts = new Map<string, number>();
    for (const object of objects) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
    const summary = [...counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([kind, n]) => `${n} ${kind}`);
    io.stdout(
      `valid: ${objects.length} object${objects.length === 1 ? '' : 's'}${summary.length === 0 ? '' : ` (${summary.join(', ')})`} on ${cluster.state.nodes.size} node${cluster.state.nodes.size === 1 ? '' : 's'}\n`,
    );
  });

  addClusterOptions(
    program
      .command('cluster')
      .description(
        'build the cluster the manifests describe, run it until it converges (or --at T), and print nodes, pods, Services and EndpointSlices',
      )
      .option('--at <time>', 'stop at this virtual time (e.g. 30s) instead of at convergence')
      .option('--out <dir>', 'write the event log (events.ndjson) to this folder, for knsim replay')
      .option('--json', 'print the snapshot as JSON'),
    { manifestsRequired: false },
  ).action(async (flags: ClusterFlags & { at?: string; out?: string; json?: boolean }) => {
    let at: number | undefined;
    if (flags.at !== undefined) {
      try {
        at = parseDuration(flags.at);
      } catch (error) {
        throw new UserError(`invalid --at: ${(error as Error).message}`);
      }
    }
    const { cluster } = await buildCluster(flags, io);
    const result =
      at === undefined
        ? cluster.converge({ until: parseDuration(DEFAULT_CONVERGE_LIMIT) })
        : { ...cluster.sim.run({ until: at }), converged: cluster.quiescent };
    const snapshot = clusterSnapshot(cluster.state, cluster.now);
    if (flags.out !== undefined) {
      mkdirSync(flags.out, { recursive: true });
      writeFileSync(join(flags.out, 'events.ndjson'), cluster.sim.log.toNdjson());
    }
    if (flags.json === true) {
      io.stdout(
        JSON.stringify(
          {
            ...snapshot,
            converged: result.converged,
            events: cluster.sim.log.length,
            digest: cluster.sim.log.digest(),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const status = result.converged
        ? 'converged'
        : at === undefined
          ? `not converged after ${DEFAULT_CONVERGE_LIMIT}`
          : 'still changing';
      io.stdout(
        formatClusterSnapshot(
          snapshot,
          `cluster at ${formatDuration(cluster.now)} (${status}; ${cluster.sim.log.length} events)`,
        ),
      );
    }
  });
}
