/*
 * The name and value formats of the Kubernetes API. Each check returns the problems with a value
 * (empty when it is valid), phrased to follow "invalid value <value>: ".
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME_CHARACTERS = /^[-a-z0-9]+$/;

/** Longest DNS label, label key name part or label value. */
export const MAX_LABEL_LENGTH = 63;
/** Longest DNS subdomain. */
export const MAX_SUBDOMAIN_LENGTH = 253;
/** Longest port name (IANA service name). */
export const MAX_PORT_NAME_LENGTH = 15;

function tooLong(value: string, max: number): string[] {
  return value.length > max ? [`must be no more than ${max} characters`] : [];
}

/** An RFC 1123 label: namespace names, hostnames, Service port names. */
export function dns1123LabelProblems(value: string): string[] {
  const problems = tooLong(value, MAX_LABEL_LENGTH);
  if (!DNS1123_LABEL.test(value)) {
    problems.push(
      "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-name')",
    );
  }
  return problems;
}

/** An RFC 1123 subdomain: most object names, hosts, external names. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems = tooLong(value, MAX_SUBDOMAIN_LENGTH);
  if (!DNS1123_SUBDOMAIN.test(value)) {
    problems.push(
      "must be a lowercase RFC 1123 subdomain: dot-separated labels of lowercase letters, digits and '-', each starting and ending with a letter or digit (e.g. 'example.com')",
    );
  }
  return problems;
}

/** An RFC 1035 label (starts with a letter): Service names. */
export function dns1035LabelProblems(value: string): string[] {
  const problems = tooLong(value, MAX_LABEL_LENGTH);
  if (!DNS1035_LABEL.test(value)) {
    problems.push(
      "must be an RFC 1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. 'my-name')",
    );
  }
  return problems;
}

/** `*.` followed by an RFC 1123 subdomain: wildcard Ingress hosts. */
export function wildcardDns1123SubdomainProblems(value: string): string[] {
  if (!value.startsWith('*.')) {
    return [
      "a wildcard host must start with '*.' and have '*' only as its whole first label (e.g. '*.example.com')",
    ];
  }
  return dns1123SubdomainProblems(value.slice(2));
}

/** A qualified name `[prefix/]name`: label keys, annotation keys. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const problems: string[] = [];
  if (parts.length === 1) {
    name = value;
  } else if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix === '') problems.push('prefix part must be non-empty');
    else for (const problem of dns1123SubdomainProblems(prefix)) problems.push(`prefix part ${problem}`);
  } else {
    return ["must be a name, optionally prefixed by a DNS subdomain and '/' (e.g. 'example.com/my-name')"];
  }
  if (name === '') {
    problems.push('name part must be non-empty');
  } else {
    if (name.length > MAX_LABEL_LENGTH)
      problems.push(`name part must be no more than ${MAX_LABEL_LENGTH} characters`);
    if (!QUALIFIED_NAME_PART.test(name)) {
      problems.push(
        "name part must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'MyName', 'my.name' or '123-abc')",
      );
    }
  }
  return problems;
}

/** A label value: empty, or up to 63 letters, digits, '-', '_' and '.', alphanumeric at both ends. */
export function labelValueProblems(value: string): string[] {
  const problems = tooLong(value, MAX_LABEL_LENGTH);
  if (!LABEL_VALUE.test(value)) {
    problems.push(
      "must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. 'MyValue' or 'my_value')",
    );
  }
  return problems;
}

/** An IANA_SVC_NAME (RFC 6335): container port names, named target ports. */
export function portNameProblems(value: string): string[] {
  const problems = tooLong(value, MAX_PORT_NAME_LENGTH);
  if (!IANA_SVC_NAME_CHARACTERS.test(value)) {
    problems.push("must contain only lowercase letters, digits and '-'");
  }
  if (!/[a-z]/.test(value)) problems.push('must contain at least one letter');
  if (value.includes('--')) problems.push("must not contain consecutive '-'");
  if (value.startsWith('-') || value.endsWith('-')) problems.push("must not begin or end with '-'");
  return problems;
}

/** A port number: an integer in 1-65535. */
export function portNumberProblems(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535
    ? []
    : ['must be between 1 and 65535, inclusive'];
}
