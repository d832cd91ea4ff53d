/**
 * The web tier many scenario tests start from, as items of a scenario's `manifests:` list:
 * Deployment `shop/web` (nginx, named port `http` 8080) and its ClusterIP Service (port 80).
 */
export function shopWeb(replicas: number): string {
  return `  - apiVersion: apps/v1
    kind: Deployment
    metadata: { name: web, namespace: shop }
    spec:
      replicas: ${replicas}
      selector: { matchLabels: { app: web } }
      template:
        metadata: { labels: { app: web } }
        spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
  - apiVersion: v1
    kind: Service
    metadata: { name: web, namespace: shop }
    spec: { selector: { app: web }, ports: [{ name: http, port: 80, targetPort: http }] }
`;
}
