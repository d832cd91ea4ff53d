import type { Command } from 'commander';
import { SECOND, UserError } from '@knsim/core';
import { IngressController, type IngressHttpResponse } from '@knsim/ingress';
import { DataPlane, DEFAULT_EXTERNAL_CLIENT } from '@knsim/kube-proxy';
import { addClusterOptions, buildCluster, type ClusterFlags } from './clusterOptions.js';
import { settleProxies } from './connectCommand.js';
import type { CliIo } from './io.js';

const CONVERGE_LIMIT = 3600 * SECOND;

interface RouteFlags extends ClusterFlags {
  readonly host?: string;
  readonly path: string;
  readonly method: string;
  readonly from?: string;
  readonly via?: string;
  readonly json?: boolean;
}

/** The documented JSON fields first, in this order; the rest of the response after them. */
function toJson(response: IngressHttpResponse): Record<string, unknown> {
  const { status, ingress, rule, service, servicePort, pod, controllerPod, reason, hops, ...rest } = response;
  return {
    status,
    ingress,
    rule,
    service,
    servicePort,
    pod,
    controllerPod,
    reason,
    host: rest.host,
    path: rest.path,
    method: rest.method,
    connection: rest.connection,
    upstream: rest.upstream,
    attempts: rest.attempts,
    hops,
  };
}

function toText(response: IngressHttpResponse, from: string): string {
  const request = `${response.method} ${response.host}${response.path} from ${from}`;
  const lines = [
    response.status === null
      ? `no response: ${request} (${response.reason})`
      : `${response.status}: ${request}${response.status === 200 ? '' : ` (${response.reason})`}`,
  ];
  if (response.ingress !== null) lines.push(`  ingress ${response.ingress}, rule ${response.rule ?? '-'}`);
  if (response.service !== null)
    lines.push(`  service ${response.service}, port ${response.servicePort ?? '-'}`);
  if (response.pod !== null) lines.push(`  answered by pod ${response.pod}`);
  if (response.controllerPod !== null) lines.push(`  controller pod ${response.controllerPod}`);
  lines.push(`  hops: ${response.hops.join(' -> ')}`);
  return lines.join('\n') + '\n';
}

/** Registers `knsim route`: one HTTP request from outside, through the Ingress controller. */
export function registerRouteCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('route')
      .description(
        'build and converge the cluster, then send one HTTP request from outside through the Ingress controller and show where it went',
      )
      .option('--host <host>', 'the Host header (default: the address dialled, as curl sends it)')
      .requiredOption('--path <path>', 'the request path, starting with /')
      .option('--method <method>', 'the HTTP method', 'GET')
      .option('--from <ip>', 'the external client address (default 203.0.113.10)')
      .option('--via <node>', 'the node the load balancer hands the connection to (node/NAME)')
      .option('--json', 'print the result as JSON'),
    { manifestsRequired: true },
  ).action(async (flags: RouteFlags) => {
    if (!flags.path.startsWith('/'))
      throw new UserError(`invalid --path ${JSON.stringify(flags.path)}: it must start with /`);
    if (flags.from !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(flags.from))
      throw new UserError(`invalid --from ${JSON.stringify(flags.from)}: give an IPv4 address`);
    const { cluster, objects } = await buildCluster(flags, io);
    const via = flags.via?.replace(/^node\//, '');
    if (via !== undefined && !cluster.state.nodes.has(via))
      throw new UserError(`--via ${flags.via ?? ''}: no node named ${via}`);
    const dataPlane = new DataPlane(cluster);
    cluster.converge({ until: CONVERGE_LIMIT });
    settleProxies(cluster);
    const controller = new IngressController(cluster, dataPlane);
    if (controller.location === undefined) {
      const why = objects.some((object) => object.kind === 'Ingress')
        ? 'ingress.controller is false and the manifests bring no ingress-nginx controller'
        : 'the manifests have no Ingress, so knsim adds no controller (set ingress.controller: true in --config to add one)';
      throw new UserError(`no Ingress controller: ${why}`);
    }
    const from = flags.from ?? DEFAULT_EXTERNAL_CLIENT;
    const response = controller.request({
      ...(flags.host === undefined ? {} : { host: flags.host }),
      path: flags.path,
      method: flags.method.toUpperCase(),
      from,
      ...(via === undefined ? {} : { via }),
    });
    io.stdout(
      flags.json === true ? JSON.stringify(toJson(response), null, 2) + '\n' : toText(response, from),
    );
  });
}
