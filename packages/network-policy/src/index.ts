/**
 * @knsim/network-policy: Kubernetes NetworkPolicy semantics, evaluated per connection for the
 * data plane and statically for connectivity analysis.
 *
 * @packageDocumentation
 */
export {};
