import type { IngressControllerIdentity } from '../IngressControllerIdentity.js';

// strconv.ParseBool, which is how Go's flag package reads `--flag=value` booleans.
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

const STRING_FLAGS = { 'ingress-class': 'className', 'controller-class': 'controller' } as const;
const BOOLEAN_FLAGS = {
  'watch-ingress-without-class': 'watchIngressWithoutClass',
  'ingress-class-by-name': 'ingressClassByName',
} as const;

/**
 * The identity flags of an ingress-nginx controller container (`--ingress-class`,
 * `--controller-class`, `--watch-ingress-without-class`, `--ingress-class-by-name`), read from its
 * command line as Go's `flag` package (pflag) does: `--name=value`, `--name value`, and a bare
 * `--name` for a boolean; one or two leading dashes. Flags not given are left out, so the caller's
 * defaults (ingress-nginx's) apply.
 *
 * @example
 * ```ts
 * controllerIdentityFromArgs(['/nginx-ingress-controller', '--ingress-class=internal', '--watch-ingress-without-class']);
 * // { className: 'internal', watchIngressWithoutClass: true }
 * ```
 */
export function controllerIdentityFromArgs(args: readonly string[]): Partial<IngressControllerIdentity> {
  const identity: { -readonly [K in keyof IngressControllerIdentity]?: IngressControllerIdentity[K] } = {};
  for (let i = 0; i < args.length; i++) {
    const match = /^--?([a-z-]+)(?:=(.*))?$/.exec(args[i] ?? '');
    if (match === null) continue;
    const name = match[1] as string;
    const inline = match[2];
    if (name in STRING_FLAGS) {
      const value = inline ?? args[i + 1];
      if (inline === undefined) i++;
      if (value !== undefined) identity[STRING_FLAGS[name as keyof typeof STRING_FLAGS]] = value;
    } else if (name in BOOLEAN_FLAGS) {
      // pflag takes a boolean's value only after `=`; `--flag false` is the flag plus an argument.
      const key = BOOLEAN_FLAGS[name as keyof typeof BOOLEAN_FLAGS];
      if (inline === undefined || TRUE.has(inline)) identity[key] = true;
      else if (FALSE.has(inline)) identity[key] = false;
    }
  }
  return identity;
}
