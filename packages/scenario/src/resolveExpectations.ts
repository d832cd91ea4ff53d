import type { FieldPath } from '@knsim/api';
import type {
  Comparator,
  DnsAnswers,
  Expectation,
  ExpectationCheck,
  ExpectationTime,
  LatencyStatistic,
  MetricCheck,
  PodPattern,
  ReachResult,
  ReachSource,
  ReachTarget,
} from './Expectation.js';
import type { ResolveContext } from './ResolveContext.js';
import { checkSelector, DEFAULT_CHECK_PERIOD } from './resolveTimeline.js';

type Raw = Readonly<Record<string, unknown>>;

/** The check keys of an expectation, in schema order. */
export const CHECK_KEYS = ['reach', 'dns', 'route', 'endpoints', 'metric'] as const;

function podPattern(text: string): PodPattern {
  const slash = text.indexOf('/');
  const name = text.slice(slash + 1);
  const prefix = name.endsWith('*');
  return { namespace: text.slice(0, slash), name: prefix ? name.slice(0, -1) : name, prefix };
}

function comparator(value: unknown, path: FieldPath, context: ResolveContext, ratio = false): Comparator {
  const raw = value as Raw;
  const result: { atLeast?: number; atMost?: number; equals?: number } = {};
  for (const key of ['atLeast', 'atMost', 'equals'] as const) {
    const bound = raw[key];
    if (typeof bound !== 'number') continue;
    if (ratio && (bound < 0 || bound > 1))
      context.issues.error([...path, key], `a ratio is between 0 and 1, got ${bound}`);
    result[key] = bound;
  }
  if (result.atLeast !== undefined && result.atMost !== undefined && result.atLeast > result.atMost)
    context.issues.error([...path, 'atMost'], `atMost ${result.atMost} is below atLeast ${result.atLeast}`);
  return result;
}

function durationComparator(value: unknown, path: FieldPath, context: ResolveContext): Comparator {
  const raw = value as Raw;
  const converted: Record<string, number> = {};
  for (const key of ['atLeast', 'atMost', 'equals']) {
    const bound = context.duration(raw[key], [...path, key]);
    if (bound !== undefined) converted[key] = bound;
  }
  return comparator(converted, path, context);
}

function time(raw: Raw, isMetric: boolean, path: FieldPath, context: ResolveContext): ExpectationTime {
  if (raw['check'] !== undefined && raw['over'] === undefined)
    context.issues.errorAtKey(path, 'check', 'check only applies with over');
  if (raw['at'] !== undefined) {
    if (isMetric) {
      context.issues.errorAtKey(path, 'at', 'a metric needs a window: use over: {from, to}');
    }
    const at = context.duration(raw['at'], [...path, 'at']) ?? 0;
    context.withinRun(at, [...path, 'at']);
    return { kind: 'at', at };
  }
  if (raw['over'] === undefined && !isMetric)
    context.issues.error(path, 'expected at (one check) or over (a window checked every `check`)');
  const over = (raw['over'] ?? {}) as Raw;
  const end = context.runDuration ?? Number.MAX_SAFE_INTEGER;
  const from =
    over['from'] === undefined ? 0 : (context.duration(over['from'], [...path, 'over', 'from']) ?? 0);
  const to = over['to'] === undefined ? end : (context.duration(over['to'], [...path, 'over', 'to']) ?? end);
  context.withinRun(from, [...path, 'over', 'from']);
  context.withinRun(to, [...path, 'over', 'to']);
  if (to <= from) context.issues.error([...path, 'over', 'to'], 'the window must end after it starts');
  const check =
    raw['check'] === undefined
      ? DEFAULT_CHECK_PERIOD
      : (context.duration(raw['check'], [...path, 'check']) ?? DEFAULT_CHECK_PERIOD);
  if (check === 0) context.issues.error([...path, 'check'], 'must be longer than 0');
  return { kind: 'over', from, to, check: check === 0 ? DEFAULT_CHECK_PERIOD : check };
}

function reach(raw: Raw, path: FieldPath, context: ResolveContext): ExpectationCheck {
  const fromText = String(raw['from']);
  let from: ReachSource;
  if (fromText.startsWith('node/')) {
    from = { kind: 'node', node: fromText.slice('node/'.length) };
    context.refer('Node', from.node, [...path, 'from']);
  } else if (fromText === 'external' || fromText.startsWith('external:')) {
    from = { kind: 'external', ip: fromText === 'external' ? undefined : fromText.slice('external:'.length) };
  } else {
    from = { kind: 'pod', ...podPattern(fromText) };
  }
  const toText = String(raw['to']);
  let to: ReachTarget;
  if (toText.startsWith('service/')) {
    const service = context.objectName(toText.slice('service/'.length));
    if (!/^[^/]+\/[^/]+$/.test(toText.slice('service/'.length)))
      context.issues.error([...path, 'to'], `expected service/NAMESPACE/NAME, got ${JSON.stringify(toText)}`);
    context.refer('Service', `${service.namespace}/${service.name}`, [...path, 'to']);
    to = { kind: 'service', service };
  } else if (toText.includes('/')) {
    if (!/^[a-z0-9][-a-z0-9]*\/[a-z0-9][-.a-z0-9]*\*?$/.test(toText))
      context.issues.error(
        [...path, 'to'],
        `expected NAMESPACE/POD, NAMESPACE/PREFIX* or service/NAMESPACE/NAME, got ${JSON.stringify(toText)}`,
      );
    to = { kind: 'pod', ...podPattern(toText) };
  } else {
    to = { kind: 'host', host: toText };
  }
  const result = raw['result'] === 'allowed' ? 'connected' : (raw['result'] as ReachResult);
  return {
    type: 'reach',
    from,
    to,
    port: raw['port'] as number | undefined,
    protocol: (raw['protocol'] as 'TCP' | 'UDP' | 'SCTP' | undefined) ?? 'TCP',
    result,
  };
}

function dns(raw: Raw, path: FieldPath, context: ResolveContext): ExpectationCheck {
  let from;
  if (typeof raw['from'] === 'string') {
    const pattern = podPattern(raw['from']);
    if (pattern.prefix)
      context.issues.error([...path, 'from'], 'dns resolves from one pod: NAMESPACE/POD without *');
    from = { namespace: pattern.namespace, name: pattern.name };
  }
  const rcode = (raw['rcode'] as 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | undefined) ?? 'NOERROR';
  let answers: DnsAnswers | undefined;
  const written = raw['answers'] as Raw | undefined;
  if (written !== undefined) {
    if (rcode !== 'NOERROR')
      context.issues.errorAtKey(path, 'answers', `answers need rcode NOERROR (got ${rcode})`);
    if (written['values'] !== undefined) {
      answers = { kind: 'values', values: [...(written['values'] as string[])] };
    } else {
      const kind = written['clusterIPOf'] !== undefined ? 'clusterIPOf' : 'readyPodIPsOf';
      const service = context.objectName(String(written[kind]));
      context.refer('Service', `${service.namespace}/${service.name}`, [...path, 'answers', kind]);
      answers = { kind, service };
    }
  }
  return {
    type: 'dns',
    from,
    name: String(raw['name']),
    queryType: (raw['type'] as 'A' | undefined) ?? 'A',
    rcode,
    answers,
  };
}

function metric(raw: Raw, path: FieldPath, context: ResolveContext): ExpectationCheck {
  const workload = String(raw['workload']);
  context.refer('workload', workload, [...path, 'workload']);
  let check: MetricCheck;
  if (raw['successRatio'] !== undefined) {
    check = {
      kind: 'successRatio',
      comparator: comparator(raw['successRatio'], [...path, 'successRatio'], context, true),
    };
  } else if (raw['requests'] !== undefined) {
    check = { kind: 'requests', comparator: comparator(raw['requests'], [...path, 'requests'], context) };
  } else if (raw['dnsQueriesPerRequest'] !== undefined) {
    check = {
      kind: 'dnsQueriesPerRequest',
      comparator: comparator(raw['dnsQueriesPerRequest'], [...path, 'dnsQueriesPerRequest'], context),
    };
  } else if (raw['outcome'] !== undefined) {
    const outcome = raw['outcome'] as Raw;
    const at = [...path, 'outcome'];
    check = {
      kind: 'outcome',
      outcome: String(outcome['name']),
      count:
        outcome['count'] === undefined ? undefined : comparator(outcome['count'], [...at, 'count'], context),
      ratio:
        outcome['ratio'] === undefined
          ? undefined
          : comparator(outcome['ratio'], [...at, 'ratio'], context, true),
    };
  } else if (raw['latency'] !== undefined) {
    const latency = raw['latency'] as Raw;
    const statistic = Object.keys(latency)[0] as LatencyStatistic;
    check = {
      kind: 'latency',
      statistic,
      comparator: durationComparator(latency[statistic], [...path, 'latency', statistic], context),
    };
  } else {
    const fairness = raw['fairness'] as Raw;
    const index = (['jain', 'maxOverMean', 'cv'] as const).find((k) => fairness[k] !== undefined) ?? 'jain';
    check = {
      kind: 'fairness',
      of: (fairness['of'] as 'requests' | 'connections' | undefined) ?? 'requests',
      index,
      comparator: comparator(fairness[index], [...path, 'fairness', index], context, index === 'jain'),
    };
  }
  return { type: 'metric', workload, metric: check };
}

function check(key: string, raw: Raw, path: FieldPath, context: ResolveContext): ExpectationCheck {
  switch (key) {
    case 'reach':
      return reach(raw, path, context);
    case 'dns':
      return dns(raw, path, context);
    case 'route': {
      const service = typeof raw['service'] === 'string' ? context.objectName(raw['service']) : undefined;
      if (service !== undefined)
        context.refer('Service', `${service.namespace}/${service.name}`, [...path, 'service']);
      return {
        type: 'route',
        host: raw['host'] as string | undefined,
        path: String(raw['path']),
        status: raw['status'] as number | undefined,
        service,
        pod: typeof raw['pod'] === 'string' ? podPattern(raw['pod']) : undefined,
      };
    }
    case 'endpoints': {
      const service = context.objectName(String(raw['service']));
      context.refer('Service', `${service.namespace}/${service.name}`, [...path, 'service']);
      context.refer('Node', String(raw['node']), [...path, 'node']);
      const eligible = raw['eligible'] as Raw;
      const selector = eligible['selector'] as string | undefined;
      if (selector !== undefined) checkSelector(selector, [...path, 'eligible', 'selector'], context);
      return {
        type: 'endpoints',
        service,
        node: String(raw['node']),
        port: raw['port'] as number | undefined,
        count:
          eligible['count'] === undefined
            ? undefined
            : comparator(eligible['count'], [...path, 'eligible', 'count'], context),
        selector,
      };
    }
    default:
      return metric(raw, path, context);
  }
}

/**
 * Resolves the expectations: times in µs within the run, symbolic references recorded for the
 * reference check (workloads, Services, nodes). Entries the schema rejected are skipped.
 */
export function resolveExpectations(entries: readonly unknown[], context: ResolveContext): Expectation[] {
  const resolved: Expectation[] = [];
  for (const [index, value] of entries.entries()) {
    const path: FieldPath = ['expect', index];
    if (context.issues.hasErrorsUnder(path)) continue;
    const raw = value as Raw;
    const key = CHECK_KEYS.find((k) => raw[k] !== undefined) as string;
    resolved.push({
      name: typeof raw['name'] === 'string' ? raw['name'] : `expect[${index}] ${key}`,
      time: time(raw, key === 'metric', path, context),
      check: check(key, raw[key] as Raw, [...path, key], context),
      location: context.issues.locator.locate(path),
    });
  }
  return resolved;
}
