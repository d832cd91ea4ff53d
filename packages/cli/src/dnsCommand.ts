import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '@knsim/core';
import { ClusterDns, DNS_RECORD_TYPES, type DnsQueryType, type DnsRecord } from '@knsim/dns';
import { DataPlane } from '@knsim/kube-proxy';
import { addClusterOptions, buildCluster, type ClusterFlags } from './clusterOptions.js';
import { settleProxies } from './connectCommand.js';
import type { CliIo } from './io.js';

const QUERY_TYPES = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT', 'NS', 'SOA', 'ANY'];

function records(list: readonly DnsRecord[]) {
  return list.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, data: r.data }));
}

/** Cluster DNS for the data plane: a pod's queries cross it to reach kube-dns. */
export function clusterDnsWithDataPlane(dataPlane: DataPlane): ClusterDns {
  return new ClusterDns(dataPlane.cluster, {
    reach: (pod, nameserver, port, protocol) =>
      dataPlane.connect({ kind: 'pod', pod }, { ip: nameserver, port, protocol }).result,
  });
}

export function registerDnsCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('dns')
      .description(
        'build and converge the cluster, then resolve NAME: one query to cluster DNS, or with --from the pod resolver (search path, ndots) through the data plane',
      )
      .argument('[name]', 'the name to look up (before or after the options)')
      .option('--from <pod>', 'resolve as this pod would (NAMESPACE/POD)')
      .option('--type <type>', `record type: ${QUERY_TYPES.join(', ')}`, 'A')
      .option('--json', 'print the response as JSON'),
    { manifestsRequired: false },
  ).action(
    async (
      given: string | undefined,
      flags: ClusterFlags & { from?: string; type: string; json?: boolean },
    ) => {
      // `-f a.yaml NAME`: the variadic -f took NAME too; a last "path" that is no file is the name.
      let name = given;
      const paths = [...(flags.filename ?? [])];
      if (
        name === undefined &&
        paths.length > 0 &&
        !existsSync(paths[paths.length - 1] as string) &&
        paths[paths.length - 1] !== '-'
      ) {
        name = paths.pop();
        flags = { ...flags, filename: paths };
      }
      if (name === undefined || name === '') throw new UserError('missing NAME: knsim dns [options] NAME');
      const type = flags.type.toUpperCase();
      if (!QUERY_TYPES.includes(type))
        throw new UserError(`invalid --type ${flags.type}: use one of ${QUERY_TYPES.join(', ')}`);
      void DNS_RECORD_TYPES;
      const { cluster } = await buildCluster(flags, io);
      const dataPlane = new DataPlane(cluster);
      cluster.converge();
      settleProxies(cluster);
      const dns = clusterDnsWithDataPlane(dataPlane);
      let output: {
        question: { name: string; type: string };
        rcode: string;
        answer: ReturnType<typeof records>;
        authority: ReturnType<typeof records>;
        additional: ReturnType<typeof records>;
        tried: { name: string; rcode: string }[];
      };
      if (flags.from === undefined) {
        const response = dns.query(name, type as DnsQueryType);
        output = {
          question: response.question,
          rcode: response.rcode,
          answer: records(response.answer),
          authority: records(response.authority),
          additional: records(response.additional),
          tried: [{ name: response.question.name, rcode: response.rcode }],
        };
      } else {
        if (!cluster.state.pods.has(flags.from)) throw new UserError(`--from ${flags.from}: no such pod`);
        const result = dns.resolve(flags.from, name, type as DnsQueryType);
        const response = result.response;
        output = {
          question: response?.question ?? { name, type },
          rcode: result.ok ? 'NOERROR' : (response?.rcode ?? result.tries.at(-1)?.rcode ?? 'SERVFAIL'),
          answer: records(response?.answer ?? []),
          authority: records(response?.authority ?? []),
          additional: records(response?.additional ?? []),
          tried: result.tries.map((t) => ({ name: t.name, rcode: t.rcode })),
        };
      }
      if (flags.json === true) {
        io.stdout(JSON.stringify(output, null, 2) + '\n');
        return;
      }
      const lines = [`${output.question.name} ${output.question.type}: ${output.rcode}`];
      for (const section of ['answer', 'authority', 'additional'] as const) {
        for (const r of output[section])
          lines.push(`  ${section.padEnd(10)} ${r.name} ${r.ttl} ${r.type} ${r.data}`);
      }
      if (flags.from !== undefined)
        lines.push(
          `  queries sent (${output.tried.length}): ${output.tried.map((t) => `${t.name} ${t.rcode}`).join(', ')}`,
        );
      io.stdout(lines.join('\n') + '\n');
    },
  );
}
