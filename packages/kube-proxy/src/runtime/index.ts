export {
  type ConnectOptions,
  type ConnectRoute,
  DataPlane,
  DEFAULT_EXTERNAL_CLIENT,
  type ConnectOutcome,
  type ConnectResult,
  type ConnectSource,
  type ConnectTarget,
  type DirectPick,
} from './DataPlane.js';
export { ProxyViews, type ProxyViewOptions, type ServiceVersion } from './ProxyViews.js';
export { PolicyEnforcement, type EnforcedEndpoint, type EnforcementVerdict } from './PolicyEnforcement.js';
export { reachability, type ReachResult } from './reachability.js';
