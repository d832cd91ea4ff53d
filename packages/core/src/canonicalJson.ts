/**
 * Canonical JSON: object keys sorted, `undefined` members left out, no whitespace. Two equal
 * values always encode to the same bytes, which is what log digests rely on. Non-finite numbers,
 * functions, symbols and bigints are rejected instead of silently becoming `null`.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} cannot be encoded in JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => (item === undefined ? 'null' : encode(item, `${path}[${index}]`))).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member !== undefined) parts.push(`${JSON.stringify(key)}:${encode(member, `${path}.${key}`)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`${path}: a ${typeof value} cannot be encoded in JSON`);
  }
}
