export { ClusterDns, type NameserverReach } from './ClusterDns.js';
