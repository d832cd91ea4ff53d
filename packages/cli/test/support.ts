import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferIo, main } from '@knsim/cli';

/** Runs the CLI in-process; returns the exit code and what it printed. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Writes `text` to a new temporary folder as `name`; returns the file's path. */
export function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'knsim-cli-')), name);
  writeFileSync(path, text);
  return path;
}

/** A `web` Deployment (http on 8080) and its ClusterIP Service (http on 80) in `namespace`. */
export function webApp(options: { replicas?: number; namespace?: string } = {}): string {
  const namespace = options.namespace ?? 'shop';
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace} }
spec:
  replicas: ${options.replicas ?? 2}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${namespace} }
spec: { selector: { app: web }, ports: [{ name: http, port: 80, targetPort: http }] }
`;
}
